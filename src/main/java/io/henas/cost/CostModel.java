package io.henas.cost;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.HeParameters;
import io.henas.he.OpCode;
import io.henas.he.OpCounts;
import io.henas.he.OpKind;
import io.henas.ir.Architecture;
import io.henas.ir.LoweredNet;

/**
 * Costs an architecture by compiling it to an {@link HePlan} and walking the plan: operation counts per layer, kind
 * and level; predicted latency {@code = sum count x latency(logN, level, op)} from a {@link Calibration}; key and
 * ciphertext memory. Without a calibration the latency is reported as absent, never guessed.
 *
 * <p>The total is the median over the calibration's passes of the plan priced with each pass alone
 * ({@link Calibration#pass}); the split over layers and op codes prices every level with the mean of its middle three
 * passes ({@link Calibrator#middleMean}, robust to a spoiled level) and is scaled to that total. Why: on a two-core
 * host whose speed steps by a fifth to a third for tens of seconds, the median latency of a run's images is the speed
 * of the part the median image fell in; the passes of a calibration interleaved with the images
 * ({@code infer --calibrate}) each ran beside one share of them, so the plan's median over the passes falls in the
 * same part, where the per-level middle mean moved only part of the way (format 8: predictions 9-10% fast in the runs
 * whose host was slow for four of seven shares). With a steady host both agree.
 */
public final class CostModel {
    private final Calibration calibration;
    private final boolean preEncoded;
    /**
     * Per shape priced so far, the calibration of that shape as each of its passes measured it
     * ({@link Calibration#pass}), fitted on first use (a search prices one shape from a cache holding many).
     */
    private final Map<ChainShape, List<Calibration>> passes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A model predicting latency from {@code calibration} ({@code null}: counts and memory only), for an executor that
     * encodes each plaintext when it is used (ENCODE counted).
     */
    public CostModel(Calibration calibration) {
        this(calibration, false);
    }

    /**
     * @param preEncoded the executor encodes all plaintexts before timing starts, so ENCODE is left out of the latency
     *                   (still counted)
     */
    public CostModel(Calibration calibration, boolean preEncoded) {
        this.calibration = calibration;
        this.preEncoded = preEncoded;
    }

    /** {@link #passes} of {@code shape} (covered by the calibration). */
    private List<Calibration> passesOf(ChainShape shape) {
        return passes.computeIfAbsent(shape, n -> {
            Calibration one = calibration.only(n);
            List<Calibration> ps = new ArrayList<>();
            for (int p = 0; p < one.passCount(); p++) {
                ps.add(one.pass(p));
            }
            return List.copyOf(ps);
        });
    }

    /** Counts and memory only. */
    public static CostModel uncalibrated() {
        return new CostModel(null);
    }

    /**
     * The model for this machine: the cached single-thread calibration at {@code cache} if it was made for
     * {@link CalibrationKey#current()}, else uncalibrated.
     */
    public static CostModel fromCache(Path cache) {
        return fromCache(cache, 1);
    }

    /**
     * As {@link #fromCache(Path)} for latencies on {@code threads} evaluator threads. A malformed or outdated cache
     * (another format version) counts as no calibration, with a warning on standard error; calibrating replaces it.
     */
    public static CostModel fromCache(Path cache, int threads) {
        try {
            Optional<Calibration> c = CalibrationCache.load(cache, CalibrationKey.current(threads));
            return new CostModel(c.orElse(null));
        } catch (IOException e) {
            System.err.println("henas: ignoring calibration cache (" + e.getMessage() + "); it is replaced when the"
                    + " evaluator is calibrated");
            return new CostModel(null);
        }
    }

    public Optional<Calibration> calibration() {
        return Optional.ofNullable(calibration);
    }

    /** Compiles with default options and costs. */
    public CostReport estimate(Architecture arch, boolean merge) {
        return estimate(arch, CompileOptions.defaults(merge));
    }

    public CostReport estimate(Architecture arch, CompileOptions options) {
        long t0 = System.nanoTime();
        HePlan plan = HePlan.compile(arch.lower(), options);
        return estimate(arch.name(), plan, t0);
    }

    /** Costs an already compiled plan. */
    public CostReport estimate(String name, HePlan plan) {
        return estimate(name, plan, System.nanoTime());
    }

    private CostReport estimate(String name, HePlan plan, long t0) {
        OpCounts counts = OpCounts.of(plan);
        // the batch executor adds and multiplies constants per RNS limb: its ADD_PLAIN encodes nothing
        boolean skipEncode = preEncoded || plan.packing().batch();
        // A calibration that did not measure this ring degree and key-switching shape gives no latency (not guessed).
        ChainShape shape = ChainShape.of(plan);
        Calibration cal = calibration != null && calibration.covers(List.of(shape)) ? calibration : null;
        LoweredNet net = plan.net();
        HeParameters p = plan.parameters();
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (LoweredNet.Node n : net.nodes()) {
            if (n.id() == 0) {
                continue;
            }
            groups.computeIfAbsent(layerOf(n.name()), k -> new ArrayList<>()).add(n.id());
        }
        double factor = cal == null ? 1 : passFactor(counts, shape, skipEncode);
        List<CostReport.LayerCost> layers = new ArrayList<>();
        double total = 0;
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            Map<OpKind, Long> ops = new EnumMap<>(OpKind.class);
            double seconds = 0;
            int levels = 0;
            int before = Integer.MAX_VALUE;
            for (int id : g.getValue()) {
                levels = Math.max(levels, plan.nodeDepth(id));
                for (int in : net.node(id).inputs()) {
                    before = Math.min(before, plan.nodeDepth(in));
                }
                for (OpKind k : OpKind.values()) {
                    for (int l = 0; l <= counts.maxLevel(); l++) {
                        long c = counts.count(id, k, l);
                        if (c > 0) {
                            ops.merge(k, c, Long::sum);
                            if (cal != null && !(skipEncode && k == OpKind.ENCODE)) {
                                seconds += c * cal.microseconds(shape, l, k) * 1e-6;
                            }
                        }
                    }
                }
            }
            seconds *= factor;
            total += seconds;
            layers.add(new CostReport.LayerCost(g.getKey(), levels - (before == Integer.MAX_VALUE ? 0 : before), ops,
                    cal == null ? OptionalDouble.empty() : OptionalDouble.of(seconds)));
        }
        long relin = MemoryModel.relinearizationKeyBytes(plan);
        return new CostReport(name, plan.options().merge(), plan.depth(), plan.logN(), p.logQp(), p.primeBits(),
                p.specialPrimeBits(), p.digitSize(), p.precision(), p.scaleBits(), p.securityBits(), p.galoisSteps(), plan.blocksPerCiphertext(), layers,
                cal == null ? OptionalDouble.empty() : OptionalDouble.of(total),
                cal == null ? 0 : cal.key().threads(), relin,
                MemoryModel.galoisKeyBytes(plan), MemoryModel.ciphertextBytes(plan.logN(), plan.depth()),
                plan.inputLayout().regCount(), MemoryModel.peakLiveRegisters(plan), plan.instructionCount(),
                (System.nanoTime() - t0) / 1e6, plan.packing().batch() ? "batch" : "single",
                plan.packing().batch() ? plan.slots() : 1, MemoryModel.peakCiphertextBytes(plan));
    }

    /**
     * The predicted seconds of each op code of {@code plan} (an instruction is priced as the sum of its
     * {@link OpKind}s at its level, as {@link #estimate} prices it), in op code order; empty when the calibration does
     * not cover the plan's ring degree and key-switching shape. For comparing a run's measured time per op code.
     */
    public Map<OpCode, Double> secondsByOpCode(HePlan plan) {
        ChainShape shape = ChainShape.of(plan);
        if (calibration == null || !calibration.covers(List.of(shape))) {
            return Map.of();
        }
        boolean skipEncode = preEncoded || plan.packing().batch();
        double factor = passFactor(OpCounts.of(plan), shape, skipEncode);
        Map<OpCode, Double> out = new EnumMap<>(OpCode.class);
        for (int i = 0; i < plan.instructionCount(); i++) {
            out.merge(plan.op(i), instructionMicros(calibration, plan, i, shape, skipEncode) * factor * 1e-6,
                    Double::sum);
        }
        return out;
    }

    /**
     * The plan's predicted seconds as each pass of the calibration alone prices it, in pass order; empty without a
     * calibration covering the plan's ring degree and key-switching shape. Their median is the predicted latency.
     */
    public List<Double> secondsByPass(HePlan plan) {
        ChainShape shape = ChainShape.of(plan);
        if (calibration == null || !calibration.covers(List.of(shape))) {
            return List.of();
        }
        boolean skipEncode = preEncoded || plan.packing().batch();
        OpCounts counts = OpCounts.of(plan);
        List<Double> out = new ArrayList<>();
        for (Calibration c : passesOf(shape)) {
            out.add(planMicros(c, counts, shape, skipEncode) * 1e-6);
        }
        return out;
    }

    /**
     * The median over the passes of the plan's time over its time with the middle-mean levels: what scales the
     * per-layer and per-op-code split to the total (1 without passes or work).
     */
    private double passFactor(OpCounts counts, ChainShape shape, boolean skipEncode) {
        double whole = planMicros(calibration, counts, shape, skipEncode);
        List<Calibration> ps = passesOf(shape);
        if (ps.isEmpty() || !(whole > 0)) {
            return 1;
        }
        double[] t = new double[ps.size()];
        for (int p = 0; p < t.length; p++) {
            t[p] = planMicros(ps.get(p), counts, shape, skipEncode);
        }
        return Calibrator.median(t) / whole;
    }

    /** The plan's microseconds from its counts per kind and level. */
    private static double planMicros(Calibration c, OpCounts counts, ChainShape shape, boolean skipEncode) {
        double us = 0;
        for (OpKind k : OpKind.values()) {
            if (skipEncode && k == OpKind.ENCODE) {
                continue;
            }
            for (int l = 0; l <= counts.maxLevel(); l++) {
                long n = counts.totalAt(k, l);
                if (n > 0) {
                    us += n * c.microseconds(shape, l, k);
                }
            }
        }
        return us;
    }

    /** Instruction {@code i} priced as the sum of its {@link OpKind}s at its level. */
    private static double instructionMicros(Calibration c, HePlan plan, int i, ChainShape shape,
                                            boolean skipEncode) {
        double us = 0;
        for (OpKind k : OpKind.of(plan.op(i))) {
            if (!(skipEncode && k == OpKind.ENCODE)) {
                us += c.microseconds(shape, plan.level(i), k);
            }
        }
        return us;
    }

    /** The layer a node belongs to in cost reports: {@code layers[3].squeeze.bn -> layers[3]}. */
    public static String layerOf(String node) {
        int dot = node.indexOf('.');
        return dot < 0 ? node : node.substring(0, dot);
    }
}
