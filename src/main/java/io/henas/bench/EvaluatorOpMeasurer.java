package io.henas.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.henas.ckks.CkksParameters;
import io.henas.cost.Calibrator;
import io.henas.cost.OpMeasurer;
import io.henas.he.CompileOptions;
import io.henas.he.HeParameters;
import io.henas.he.OpKind;
import io.henas.he.ParameterSelector;
import io.henas.rlwe.Security;

/**
 * {@link OpMeasurer} on henas' CKKS evaluator, for {@code henas bench calibrate}. For each ring degree it builds the
 * chain the parameter selector would pick for the deepest secure network ({@link Calibrator#maxDepth}), and times
 * each {@link OpKind} on operands at the requested level (keys generated once per degree, operands per level):
 * <ul>
 *   <li>ROTATE, MUL_PLAIN, MUL_CT, RELINEARIZE, RESCALE, ADD: the evaluator operations of {@code henas bench ckks};</li>
 *   <li>ROTATE_HOISTED: the marginal cost of one rotation in a hoisted batch of 8, {@code (T8 - T1) / 7};</li>
 *   <li>HOIST: the rest of a single rotation, {@code T(rotate) - T(rotate_hoisted)} (the shared decomposition);</li>
 *   <li>MUL_CONST: {@code mulConst} by a real constant; ADD_PLAIN: {@code addPlain}; DROP_LEVEL: {@code dropToLevel}
 *       by one level; ENCODE: encoding a full slot vector at the level.</li>
 * </ul>
 * Levels must be in {@code [1, maxLevel]}. Close to stop the evaluators' thread pools.
 */
public final class EvaluatorOpMeasurer implements OpMeasurer, AutoCloseable {
    private final int threads;
    private final Map<Integer, CkksParameters> params = new HashMap<>();
    private final Map<Integer, BenchFixture.Keys> keys = new HashMap<>();
    private final Map<String, BenchFixture> fixtures = new HashMap<>();
    private final Map<String, Double> cache = new HashMap<>();

    /** @param threads evaluator threads (the cost model predicts single-thread latency with 1) */
    public EvaluatorOpMeasurer(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
        }
        this.threads = threads;
    }

    /** The chain calibrated at {@code logN}: the selector's parameters for the deepest secure depth. */
    public static CkksParameters parametersFor(int logN) {
        CompileOptions o = CompileOptions.defaults(true);
        int depth = Calibrator.maxDepth(logN);
        if (depth < 1) {
            throw new IllegalArgumentException("logN " + logN + " holds no level at 128 bits, so it cannot be calibrated");
        }
        HeParameters p = ParameterSelector.at(logN, depth, o, List.of());
        return p.ckksParameters(Security.HE_STANDARD_128);
    }

    @Override
    public synchronized double microseconds(int logN, int level, OpKind op) {
        String key = logN + "/" + level + "/" + op;
        Double hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        CkksParameters p = params.computeIfAbsent(logN, EvaluatorOpMeasurer::parametersFor);
        if (!keys.containsKey(logN)) {
            close(); // keys of one ring at a time: at logN 15-16 they take gigabytes
        }
        BenchFixture.Keys ks = keys.computeIfAbsent(logN, n -> new BenchFixture.Keys(p, threads, hoistedSteps(n),
                false));
        BenchFixture f = fixtures.computeIfAbsent(logN + "/" + level, k -> new BenchFixture(ks, level));
        int samples = Timing.defaultSamples(logN);
        double us = switch (op) {
            case ROTATE -> time(f, "rotate", samples);
            case ROTATE_HOISTED -> hoisted(f, samples);
            case HOIST -> Math.max(0, time(f, "rotate", samples) - hoisted(f, samples));
            case MUL_PLAIN -> time(f, "mul_plain", samples);
            case MUL_CT -> time(f, "mul_ct", samples);
            case RELINEARIZE -> time(f, "relinearize", samples);
            case RESCALE -> time(f, "rescale", samples);
            case ADD -> time(f, "add", samples);
            case MUL_CONST -> Timing.medianMicros(() -> f.evaluator.mulConst(f.a, 0.731), 5, 300, samples);
            case ADD_PLAIN -> Timing.medianMicros(() -> f.evaluator.addPlain(f.a, f.pt), 5, 300, samples);
            case DROP_LEVEL -> Timing.medianMicros(() -> f.evaluator.dropToLevel(f.a, level - 1), 5, 300, samples);
            case ENCODE -> time(f, "encode", samples);
        };
        cache.put(key, us);
        return us;
    }

    private double time(BenchFixture f, String op, int samples) {
        return cache.computeIfAbsent(f.params.logN() + "/" + f.level + "/raw-" + op,
                k -> Timing.medianMicros(CkksBench.operation(f, op), 5, 300, samples));
    }

    /**
     * The rotation steps whose hoisted group is timed: 1..8, or 1..4 from logN 16 on (each Galois key of the deepest
     * secure logN 16 chain takes about 2.3 GB). Each extra hoisted rotation costs {@code (t_k - t_1) / (k - 1)}.
     */
    static int[] hoistedSteps(int logN) {
        return logN >= 16 ? new int[]{1, 2, 3, 4} : BenchFixture.STEPS;
    }

    private double hoisted(BenchFixture f, int samples) {
        double one = time(f, "rotate", samples);
        int[] steps = hoistedSteps(f.params.logN());
        double group = cache.computeIfAbsent(f.params.logN() + "/" + f.level + "/raw-hoisted-" + steps.length,
                k -> Timing.medianMicros(() -> f.evaluator.rotateHoisted(f.a, steps), 5, 300, samples));
        return Math.max(0, (group - one) / (steps.length - 1));
    }

    @Override
    public synchronized void close() {
        fixtures.values().forEach(BenchFixture::close);
        fixtures.clear();
        keys.values().forEach(BenchFixture.Keys::close);
        keys.clear();
    }
}
