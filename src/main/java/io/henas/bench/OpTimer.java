package io.henas.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.henas.ckks.CkksParameters;

/**
 * Median timings of single CKKS operations, for cost-model calibration: {@code median(params, level, op, threads)}
 * in microseconds. Fixtures (keys and operands) are cached per (parameters, level, threads) for the life of the JVM.
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
        BenchFixture f = FIXTURES.computeIfAbsent(params.id() + "/" + params.defaultScale() + "/" + level + "/"
                + threads, k -> new BenchFixture(params, level, threads));
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

    /** Drops cached fixtures (frees their keys). */
    public static void clear() {
        FIXTURES.values().forEach(BenchFixture::close);
        FIXTURES.clear();
    }
}
