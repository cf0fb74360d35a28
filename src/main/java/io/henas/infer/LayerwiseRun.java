package io.henas.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Decryptor;
import io.henas.ckks.Encoder;
import io.henas.ckks.Encryptor;
import io.henas.ckks.Evaluator;
import io.henas.cost.CostModel;
import io.henas.cost.MemoryModel;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.he.OpCode;
import io.henas.he.OpCounts;
import io.henas.he.OpKind;
import io.henas.he.PlanBinding;
import io.henas.he.PlanRunner;
import io.henas.he.PlanSimulator;
import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.GaloisKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.PublicKey;
import io.henas.rlwe.RelinKey;
import io.henas.rlwe.SecretKey;
import io.henas.rlwe.Security;

/**
 * Measures the encrypted latency of an {@link HePlan} on real CKKS ciphertexts, also when all its Galois keys do not
 * fit in memory. The plan is cut into segments (one per layer, {@link CostModel#layerOf}; a layer whose rotations
 * need more keys than {@link Options#keyBudgetBytes} allows is cut further). For each segment: generate only the
 * Galois keys it uses, encrypt the plaintext value of each register live at its start (from the plaintext simulation
 * of the plan, {@link PlanSimulator}) at the level and scale the encrypted run had there, run the segment with
 * {@link CkksPlanBackend} (median of {@link Options#reps} timed runs), decrypt the registers live at its end and
 * compare them with the simulation, then free the keys. The total latency is the sum of the segment medians; the
 * executed operation counts, summed over the segments, must equal the plan's (the cost model's), which is checked.
 * {@link Mode#END_TO_END} runs the whole plan as one segment with every key. Keys come from a CSPRNG; key generation
 * and encryption are not timed.
 */
public final class LayerwiseRun {
    /** How the plan is cut. */
    public enum Mode {
        /** One segment, every Galois key at once. */
        END_TO_END,
        /** One segment per layer (cut further where the key budget requires). */
        LAYERWISE;

        /** The JSON name: {@code end-to-end} or {@code layerwise}. */
        public String key() {
            return this == END_TO_END ? "end-to-end" : "layerwise";
        }
    }

    /**
     * Measurement options.
     *
     * @param mode            segmentation; null = end-to-end if the relinearization and all Galois keys fit in
     *                        {@code keyBudgetBytes}, else layerwise
     * @param reps            timed runs per segment and input, the median counts (>= 1)
     * @param threads         evaluator threads (>= 1)
     * @param keyBudgetBytes  memory allowed for the keys of one segment (>= 1 key)
     * @param allowInsecure   INSECURE: accept a plan whose chain exceeds the 128-bit bound (tests with small rings)
     */
    public record Options(Mode mode, int reps, int threads, long keyBudgetBytes, boolean allowInsecure) {
        public Options {
            if (reps < 1) {
                throw new IllegalArgumentException("reps must be >= 1, but was " + reps);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
            }
            if (keyBudgetBytes < 1) {
                throw new IllegalArgumentException("keyBudgetBytes must be >= 1, but was " + keyBudgetBytes);
            }
        }

        /** Auto mode, one rep, one thread, 8 GiB of keys per segment, secure parameters only. */
        public static Options defaults() {
            return new Options(null, 1, 1, 8L << 30, false);
        }
    }

    /** A contiguous instruction range {@code [from, to)} run with the Galois keys of {@code steps}. */
    public record Segment(String layer, int from, int to, List<Integer> steps) {
        public Segment {
            steps = List.copyOf(steps);
            if (from < 0 || from > to) {
                throw new IllegalArgumentException("segment must satisfy 0 <= from <= to, but was [" + from + ", " + to
                        + ")");
            }
        }
    }

    /**
     * What one segment measured.
     *
     * @param seconds      median wall time over inputs x reps
     * @param samples      number of timed runs
     * @param startLevel   level of the first instruction
     * @param maxAbsError  largest |decrypted - simulated| over the live registers' slots at the segment's end
     * @param maxAbsValue  largest |simulated| over the same slots
     */
    public record SegmentResult(Segment segment, int startLevel, double seconds, int samples, double maxAbsError,
                                double maxAbsValue, OpCounts counts, double keygenSeconds) {
        /** Rotations (hoisted or not) executed. */
        public long rotations() {
            return total(counts, OpKind.ROTATE) + total(counts, OpKind.ROTATE_HOISTED);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", segment.layer());
            m.put("instructions", List.of(segment.from(), segment.to()));
            m.put("start_level", startLevel);
            m.put("galois_keys", segment.steps().size());
            m.put("seconds", seconds);
            m.put("samples", samples);
            m.put("keygen_s", keygenSeconds);
            m.put("max_abs_error", maxAbsError);
            m.put("max_abs_value", maxAbsValue);
            m.put("rotations", rotations());
            m.put("mul_plain", total(counts, OpKind.MUL_PLAIN) + total(counts, OpKind.MUL_PLAIN_ACC)
                    + total(counts, OpKind.MUL_CONST) + total(counts, OpKind.MUL_CONST_ACC));
            m.put("mul_ct", total(counts, OpKind.MUL_CT));
            m.put("rescales", total(counts, OpKind.RESCALE));
            return m;
        }
    }

    /**
     * The measurement.
     *
     * @param latencySeconds  sum of the segment medians (one input's encrypted latency)
     * @param counts          executed operations of one input, summed over the segments (equal to the plan's)
     * @param logits          decrypted outputs per input (unpacked, pending affine applied)
     * @param plainLogits     plaintext-simulation outputs per input
     */
    public record Report(Mode mode, HeParameters parameters, int threads, int reps, List<SegmentResult> segments,
                         double latencySeconds, OpCounts counts, List<double[]> logits, List<double[]> plainLogits,
                         double keygenSeconds) {
        public Report {
            segments = List.copyOf(segments);
            logits = List.copyOf(logits);
            plainLogits = List.copyOf(plainLogits);
        }

        /** Largest segment error. */
        public double maxAbsError() {
            return segments.stream().mapToDouble(SegmentResult::maxAbsError).max().orElse(0);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", mode.key());
            m.put("log_n", parameters.logN());
            m.put("log_qp", parameters.logQp());
            m.put("security_bits", parameters.securityBits());
            m.put("threads", threads);
            m.put("reps", reps);
            m.put("latency_s", latencySeconds);
            m.put("keygen_s", keygenSeconds);
            m.put("max_abs_error", maxAbsError());
            m.put("counts_match_plan", true);
            m.put("rotations", total(counts, OpKind.ROTATE) + total(counts, OpKind.ROTATE_HOISTED));
            m.put("mul_plain", total(counts, OpKind.MUL_PLAIN) + total(counts, OpKind.MUL_PLAIN_ACC)
                    + total(counts, OpKind.MUL_CONST) + total(counts, OpKind.MUL_CONST_ACC));
            m.put("mul_ct", total(counts, OpKind.MUL_CT));
            m.put("rescales", total(counts, OpKind.RESCALE));
            m.put("segments", segments.stream().map(SegmentResult::toJson).toList());
            return m;
        }
    }

    private LayerwiseRun() {
    }

    private static long total(OpCounts c, OpKind k) {
        return c.total(k);
    }

    /** Galois keys that fit {@code budget} bytes at the plan's parameters (at least 1). */
    public static int maxKeys(HePlan plan, long budget) {
        long per = MemoryModel.keySwitchKeyBytes(plan.parameters());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / per));
    }

    /**
     * The key memory a run may use: {@code requested}, but no more than the heap {@code maxHeap} leaves after the
     * relinearization key and a working reserve (2 GiB, or a quarter of the heap if smaller) for ciphertexts and
     * encodings; at least one key.
     */
    static long effectiveKeyBudget(HePlan plan, long requested, long maxHeap) {
        long per = MemoryModel.keySwitchKeyBytes(plan.parameters());
        long reserve = Math.min(2L << 30, maxHeap / 4);
        return Math.max(per, Math.min(requested, maxHeap - per - reserve));
    }

    /** Whether the relinearization key and every Galois key of the plan fit {@code budget} bytes. */
    public static boolean fitsEndToEnd(HePlan plan, long budget) {
        long per = MemoryModel.keySwitchKeyBytes(plan.parameters());
        return per * (plan.galoisSteps().length + 1L) <= budget;
    }

    /**
     * Cuts the plan. A cut is allowed only where no size-3 (unrelinearized) register is live and not inside a HOIST
     * group; layerwise, cuts go at layer changes, and a segment whose rotations need more than {@code maxKeys} keys
     * is cut at the last allowed point before the key that would exceed it. A HOIST group is never cut, so a segment
     * needs at most {@code max(maxKeys, largest HOIST group + keys before it)} keys.
     */
    public static List<Segment> segments(HePlan plan, Mode mode, int maxKeys) {
        int n = plan.instructionCount();
        if (mode == Mode.END_TO_END || n == 0) {
            return List.of(new Segment(n == 0 ? "all" : "all", 0, n, steps(plan, 0, n)));
        }
        boolean[] allowed = new boolean[n + 1];
        java.util.Set<Integer> size3 = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            allowed[i] = size3.isEmpty() && plan.op(i) != OpCode.ROTATE_HOISTED;
            if (plan.op(i) == OpCode.MUL_CT) {
                size3.add(plan.dst(i));
            } else if (plan.op(i) == OpCode.RELINEARIZE) {
                size3.remove(plan.dst(i));
            }
        }
        allowed[n] = true;
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        String layer = layer(plan, 0);
        boolean pending = false;
        for (int i = 1; i < n; i++) {
            String l = layer(plan, i);
            if (!l.equals(layer)) {
                pending = true;
                layer = l;
            }
            if (pending && allowed[i]) {
                cuts.add(i);
                pending = false;
            }
        }
        cuts.add(n);
        List<Segment> out = new ArrayList<>();
        for (int c = 0; c + 1 < cuts.size(); c++) {
            int start = cuts.get(c);
            int end = cuts.get(c + 1);
            List<int[]> parts = new ArrayList<>();
            int s = start;
            while (s < end) {
                TreeSet<Integer> keys = new TreeSet<>();
                int lastAllowed = -1;
                int e = end;
                for (int i = s; i < end; i++) {
                    if (i > s && allowed[i]) {
                        lastAllowed = i;
                    }
                    int step = step(plan, i);
                    if (step > 0 && !keys.contains(step) && keys.size() >= maxKeys && lastAllowed > s) {
                        e = lastAllowed;
                        break;
                    }
                    if (step > 0) {
                        keys.add(step);
                    }
                }
                parts.add(new int[]{s, e});
                s = e;
            }
            for (int p = 0; p < parts.size(); p++) {
                int[] r = parts.get(p);
                String name = layerRange(plan, r[0], r[1]) + (parts.size() > 1 ? " (part " + (p + 1) + "/"
                        + parts.size() + ")" : "");
                out.add(new Segment(name, r[0], r[1], steps(plan, r[0], r[1])));
            }
        }
        return out;
    }

    private static String layer(HePlan plan, int i) {
        return CostModel.layerOf(plan.net().node(plan.node(i)).name());
    }

    private static String layerRange(HePlan plan, int from, int to) {
        String a = layer(plan, from);
        String b = layer(plan, to - 1);
        return a.equals(b) ? a : a + ".." + b;
    }

    private static int step(HePlan plan, int i) {
        OpCode op = plan.op(i);
        return op == OpCode.ROTATE || op == OpCode.ROTATE_HOISTED ? plan.b(i) : 0;
    }

    private static List<Integer> steps(HePlan plan, int from, int to) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int i = from; i < to; i++) {
            int k = step(plan, i);
            if (k > 0) {
                s.add(k);
            }
        }
        return new ArrayList<>(s);
    }

    /** The CKKS parameters of the plan (the 128-bit bound enforced unless {@code allowInsecure}). */
    static CkksParameters parameters(HePlan plan, boolean allowInsecure) {
        HeParameters p = plan.parameters();
        if (!allowInsecure) {
            return p.ckksParameters();
        }
        return p.ckksParameters(Security.INSECURE_NO_BOUND);
    }

    /** Per input: the simulator and its live registers; the level and scale each register had encrypted. */
    private static final class InputState {
        final PlanSimulator sim;
        Map<Integer, PlanSimulator.Slots> live;
        Map<Integer, double[]> levelScale = new HashMap<>();

        InputState(PlanSimulator sim, Map<Integer, PlanSimulator.Slots> live) {
            this.sim = sim;
            this.live = live;
        }
    }

    /**
     * Measures the plan of {@code binding} on {@code inputs} (C-H-W order each).
     *
     * @param progress one line per segment (null: silent)
     * @throws IllegalArgumentException if there are no inputs, an input does not fit, or the parameters are insecure
     *                                  and not allowed
     * @throws IllegalStateException    if the executed counts differ from the plan's (a bug)
     */
    public static Report run(PlanBinding binding, List<double[]> inputs, Options o, Consumer<String> progress) {
        if (binding.plan().packing().batch()) {
            throw new IllegalArgumentException("layer-wise runs need a single-image plan (rotations, Galois key"
                    + " segments), but the plan is batch-packed (one image per slot): use 'henas infer --encrypted"
                    + " --batch'");
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("inputs must hold at least one input, but was empty");
        }
        HePlan plan = binding.plan();
        CkksParameters params = parameters(plan, o.allowInsecure());
        long budget = effectiveKeyBudget(plan, o.keyBudgetBytes(), Runtime.getRuntime().maxMemory());
        if (budget < o.keyBudgetBytes() && progress != null) {
            progress.accept(String.format(Locale.ROOT, "  key memory capped at %.1f GiB by the JVM heap (-Xmx %.1f"
                    + " GiB); raise -Xmx to measure with more keys at once", budget / (double) (1L << 30),
                    Runtime.getRuntime().maxMemory() / (double) (1L << 30)));
        }
        Mode mode = o.mode() != null ? o.mode()
                : fitsEndToEnd(plan, budget) ? Mode.END_TO_END : Mode.LAYERWISE;
        List<Segment> segs = segments(plan, mode, mode == Mode.END_TO_END ? Integer.MAX_VALUE
                : maxKeys(plan, budget));
        long k0 = System.nanoTime();
        KeyGenerator kg = new KeyGenerator(params.rlwe(), new Sampler());
        SecretKey sk = kg.secretKey();
        PublicKey pk = kg.publicKey(sk);
        boolean relin = java.util.stream.IntStream.range(0, plan.instructionCount())
                .anyMatch(i -> plan.op(i) == OpCode.RELINEARIZE);
        RelinKey rk = relin ? kg.relinKey(sk) : null;
        double keygen = (System.nanoTime() - k0) / 1e9;
        Encoder encoder = new Encoder(params);
        Encryptor encryptor = Encryptor.ofSecretKey(params, sk);
        Decryptor decryptor = new Decryptor(params, sk);

        List<InputState> states = new ArrayList<>();
        for (double[] x : inputs) {
            PlanSimulator sim = PlanSimulator.backend(binding);
            InputState st = new InputState(sim, PlanSimulator.inputRegisters(binding, x));
            for (int r : st.live.keySet()) {
                st.levelScale.put(r, new double[]{plan.depth(), params.defaultScale()});
            }
            states.add(st);
        }
        OpCounts total = new OpCounts(plan.net().nodes().size(), plan.depth());
        List<SegmentResult> results = new ArrayList<>();
        double latency = 0;
        double[][][] outRegs = new double[inputs.size()][][];
        for (Segment seg : segs) {
            long g0 = System.nanoTime();
            GaloisKeys gk = kg.galoisKeys(sk, seg.steps().stream().mapToInt(Integer::intValue).toArray(), false);
            EvaluationKeys keys = new EvaluationKeys(pk, rk, gk);
            double segKeygen = (System.nanoTime() - g0) / 1e9;
            keygen += segKeygen;
            List<Double> times = new ArrayList<>();
            OpCounts segCounts = null;
            double maxErr = 0;
            double maxVal = 0;
            try (Evaluator eval = new Evaluator(params, keys, o.threads())) {
                for (int j = 0; j < states.size(); j++) {
                    InputState st = states.get(j);
                    Map<Integer, Ciphertext> enc = new HashMap<>();
                    for (Map.Entry<Integer, PlanSimulator.Slots> e : st.live.entrySet()) {
                        double[] ls = st.levelScale.get(e.getKey());
                        enc.put(e.getKey(), encryptor.encrypt(encoder.encode(e.getValue().values(), (int) ls[0],
                                ls[1])));
                    }
                    PlanRunner.Segment<Ciphertext> last = null;
                    for (int rep = 0; rep < o.reps(); rep++) {
                        Map<Integer, Ciphertext> copies = new HashMap<>();
                        enc.forEach((r, c) -> copies.put(r, c.copy()));
                        CkksPlanBackend backend = new CkksPlanBackend(binding, eval, 0);
                        long t0 = System.nanoTime();
                        PlanRunner.Segment<Ciphertext> res = PlanRunner.runSegment(plan, backend, copies, seg.from(),
                                seg.to());
                        times.add((System.nanoTime() - t0) / 1e9);
                        if (segCounts == null) {
                            segCounts = res.counts();
                        } else if (!segCounts.equals(res.counts())) {
                            throw new IllegalStateException("segment " + seg.layer() + " executed different counts"
                                    + " on two runs: " + segCounts + " vs " + res.counts());
                        }
                        last = res;
                    }
                    PlanRunner.Segment<PlanSimulator.Slots> simRes = PlanRunner.runSegment(plan, st.sim, st.live,
                            seg.from(), seg.to());
                    if (!simRes.registers().keySet().equals(last.registers().keySet())) {
                        throw new IllegalStateException("live registers after " + seg.layer() + " differ: simulation="
                                + simRes.registers().keySet() + ", encrypted=" + last.registers().keySet());
                    }
                    Map<Integer, double[]> nextLs = new HashMap<>();
                    for (Map.Entry<Integer, Ciphertext> e : last.registers().entrySet()) {
                        Ciphertext ct = e.getValue();
                        if (ct.size() != 2) {
                            throw new IllegalStateException("register " + e.getKey() + " must be relinearized at the"
                                    + " end of segment " + seg.layer() + ", but has size " + ct.size());
                        }
                        double[] dec = encoder.decodeReal(decryptor.decrypt(ct));
                        double[] want = simRes.registers().get(e.getKey()).values();
                        for (int t = 0; t < want.length; t++) {
                            maxErr = Math.max(maxErr, Math.abs(dec[t] - want[t]));
                            maxVal = Math.max(maxVal, Math.abs(want[t]));
                        }
                        nextLs.put(e.getKey(), new double[]{ct.level(), ct.scale()});
                        if (seg.to() == plan.instructionCount()) {
                            int k = plan.outputLayout().regIndex(e.getKey());
                            if (k >= 0) {
                                if (outRegs[j] == null) {
                                    outRegs[j] = new double[plan.outputLayout().regCount()][];
                                }
                                outRegs[j][k] = dec;
                            }
                        }
                    }
                    st.live = new HashMap<>(simRes.registers());
                    st.levelScale = nextLs;
                }
            }
            if (segs.size() > 1) {
                // Drop this segment's keys before the next segment generates its own (untimed): keeps the heap near
                // one segment's keys instead of growing to -Xmx.
                gk = null;
                keys = null;
                System.gc();
            }
            double median = median(times);
            latency += median;
            if (segCounts == null) {
                segCounts = new OpCounts(plan.net().nodes().size(), plan.depth());
            }
            total.add(segCounts);
            int startLevel = seg.from() < plan.instructionCount() ? plan.level(seg.from()) : 0;
            SegmentResult sr = new SegmentResult(seg, startLevel, median, times.size(), maxErr, maxVal, segCounts,
                    segKeygen);
            results.add(sr);
            if (progress != null) {
                progress.accept(String.format(Locale.ROOT, "  %-28s [%d, %d) level %d, %d Galois keys: %.3f s"
                                + " (median of %d), max error %.2e of |value| <= %.3g", seg.layer(), seg.from(), seg.to(),
                        startLevel, seg.steps().size(), median, times.size(), maxErr, maxVal));
            }
        }
        OpCounts want = OpCounts.of(plan);
        if (!want.equals(total)) {
            throw new IllegalStateException("executed counts must equal the plan's (cost model's), but were "
                    + total + " vs " + want);
        }
        List<double[]> logits = new ArrayList<>();
        List<double[]> plain = new ArrayList<>();
        for (int j = 0; j < states.size(); j++) {
            InputState st = states.get(j);
            double[][] sim = new double[plan.outputLayout().regCount()][];
            for (int k = 0; k < sim.length; k++) {
                sim[k] = st.live.get(plan.outputLayout().regAt(k)).values();
            }
            plain.add(binding.unpackOutput(sim));
            if (outRegs[j] == null) {
                throw new IllegalStateException("the last segment left no output registers for input " + j);
            }
            logits.add(binding.unpackOutput(outRegs[j]));
        }
        return new Report(mode, plan.parameters(), o.threads(), o.reps(), results, latency, total, logits, plain,
                keygen);
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? 0 : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
