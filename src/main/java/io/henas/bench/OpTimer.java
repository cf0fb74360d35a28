package io.henas.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.henas.ckks.CkksParameters;

/**
 * Median timings of single CKKS operations, for cost-model calibration: {@code median(params, level, op, threads)}
 * in microseconds. Keys are generated once per (parameters, threads) and operands once per level, and cached until
 * {@link #clear()}.
 *
 * <p>Operations ({@link #OPS}): {@code add}, {@code mul_plain}, {@code mul_ct} (no relinearization),
 * {@code square}, {@code relinearize}, {@code rescale}, {@code rotate} (by 1), {@code rotate_hoisted} (the cost of
 * each extra rotation in a hoisted batch of 8: {@code (T(8 hoisted) - T(rotate)) / 7}), {@code encode},
 * {@code encrypt} (public key), {@code decrypt} (to a plaintext, without decoding).
 */
public final class OpTimer {
    /** Supported operation names. */
    public static final List<String> OPS = List.of("add", "mul_plain", "mul_ct", "square", "relinearize", "rescale",
            "rotate", "rotate_hoisted", "encode", "encrypt", "decrypt");

    private static final Map<String, BenchFixture.Keys> KEYS = new ConcurrentHashMap<>();
    private static final Map<String, BenchFixture> FIXTURES = new ConcurrentHashMap<>();

    private OpTimer() {
    }

    /**
     * The median time of {@code op} at {@code level} on {@code threads} threads, in microseconds, with the default
     * warm-up (at least 5 runs and 300 ms) and {@link Timing#defaultSamples} samples.
     *
     * @throws IllegalArgumentException for an unknown op or a level outside [1, maxLevel]
     */
    public static double median(CkksParameters params, int level, String op, int threads) {
        return median(params, level, op, threads, Timing.defaultSamples(params.logN()));
    }

    /** As {@link #median(CkksParameters, int, String, int)} with an explicit sample count. */
    public static double median(CkksParameters params, int level, String op, int threads, int samples) {
        if (!OPS.contains(op)) {
            throw new IllegalArgumentException("op must be one of " + OPS + ", but was '" + op + "'");
        }
        if (level < 0 || level > params.maxLevel()) {
            throw new IllegalArgumentException("level must be in [0, " + params.maxLevel() + "], but was " + level);
        }
        String keyId = params.id() + "/" + params.defaultScale() + "/" + threads;
        BenchFixture f = FIXTURES.computeIfAbsent(keyId + "/" + level, k -> new BenchFixture(
                KEYS.computeIfAbsent(keyId, kk -> new BenchFixture.Keys(params, threads)), level));
        synchronized (f) {
            if (op.equals("rotate_hoisted")) {
                double one = time(f, "rotate", samples);
                double eight = time(f, "rotate_hoisted_8", samples);
                return Math.max(0, (eight - one) / 7);
            }
            return time(f, op, samples);
        }
    }

    static double time(BenchFixture f, String op, int samples) {
        Runnable r = CkksBench.operation(f, op);
        return Timing.medianMicros(r, 5, 300, samples);
    }

    /** Drops cached fixtures and keys (stops their pools, frees their memory). */
    public static void clear() {
        FIXTURES.clear();
        KEYS.values().forEach(BenchFixture.Keys::close);
        KEYS.clear();
    }
}
