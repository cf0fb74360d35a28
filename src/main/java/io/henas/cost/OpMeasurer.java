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
}
