package io.henas.cost;

import io.henas.he.OpKind;

/**
 * The measuring seam of calibration: the median latency of one CKKS operation on the real evaluator. The
 * {@code bench} package implements it with henas' evaluator ({@code henas bench calibrate}); tests use fakes.
 */
@FunctionalInterface
public interface OpMeasurer {
    /**
     * Median microseconds of one {@code op} on a ciphertext at {@code level} ({@code level + 1} data primes) for the
     * ring degree and key-switching shape {@code shape}. For {@link OpKind#ROTATE_HOISTED} the time of one rotation
     * after a shared {@link OpKind#HOIST}; for {@link OpKind#HOIST} the decomposition alone.
     */
    double microseconds(ChainShape shape, int level, OpKind op);

    /**
     * The same median measured again as repetition {@code pass} ({@code >= 0}) of a calibration that measures every
     * level of an operation once per pass, so that each level's timings are spread over the calibration's duration
     * rather than taken in one window (a burst of host activity then spoils one pass, not a level). Within one pass
     * a measurer may share raw timings between kinds (a rotation's time between ROTATE and HOIST). By default the
     * single measurement.
     */
    default double microseconds(ChainShape shape, int level, OpKind op, int pass) {
        return microseconds(shape, level, op);
    }

    /**
     * Runs {@code op} at {@code level} briefly without recording it, before the calibration's first pass: the first
     * pass would otherwise time code the JIT is still compiling (a logN-13 rotation: 15 ms instead of 0.9 ms). By
     * default nothing.
     */
    default void warmUp(ChainShape shape, int level, OpKind op) {
    }
}
