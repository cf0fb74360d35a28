package io.henas.ckks;

/**
 * Precision of approximate values against the expected ones, in absolute error and in bits
 * ({@code bits = -log2(error)}; an exact match counts as {@value #EXACT_BITS} bits).
 *
 * @param maxError  the largest absolute error over all slots (complex modulus for complex values)
 * @param meanError the mean absolute error
 * @param minBits   {@code -log2(maxError)}: the bits of precision every slot has
 * @param meanBits  {@code -log2(meanError)}
 * @param count     number of slots compared
 */
public record EncodingPrecision(double maxError, double meanError, double minBits, double meanBits, int count) {

    /** Bits reported for a zero error. */
    public static final double EXACT_BITS = 1074;

    /** Validates the fields. */
    public EncodingPrecision {
        if (!(maxError >= 0) || !(meanError >= 0) || meanError > maxError) {
            throw new IllegalArgumentException("errors must satisfy 0 <= meanError <= maxError, but were mean="
                    + meanError + ", max=" + maxError);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, but was " + count);
        }
    }

    /** {@code -log2(error)}, or {@link #EXACT_BITS} for a zero error (NaN errors give NaN). */
    public static double bits(double error) {
        return error == 0 ? EXACT_BITS : -Math.log(error) / Math.log(2);
    }

    /** Compares real values; only the first {@code expected.length} values of {@code actual} are used. */
    public static EncodingPrecision of(double[] expected, double[] actual) {
        return of(expected, null, actual, null);
    }

    /**
     * Compares complex values; a {@code null} imaginary array counts as all zeros. Only the first
     * {@code expectedRe.length} slots are compared, so {@code actual} may be longer (e.g. a full decoded vector).
     *
     * @throws IllegalArgumentException if an array is shorter than {@code expectedRe}
     */
    public static EncodingPrecision of(double[] expectedRe, double[] expectedIm, double[] actualRe, double[] actualIm) {
        int count = expectedRe.length;
        requireLength("expectedIm", expectedIm, count);
        requireLength("actualRe", actualRe, count);
        requireLength("actualIm", actualIm, count);
        double max = 0;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double dr = actualRe[i] - expectedRe[i];
            double di = (actualIm == null ? 0 : actualIm[i]) - (expectedIm == null ? 0 : expectedIm[i]);
            double err = Math.hypot(dr, di);
            if (Double.isNaN(err)) {
                err = Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, err);
            sum += err;
        }
        double mean = count == 0 ? 0 : Math.min(sum / count, max);
        return new EncodingPrecision(max, mean, bits(max), bits(mean), count);
    }

    private static void requireLength(String what, double[] a, int count) {
        if (a != null && a.length < count) {
            throw new IllegalArgumentException(what + " must have at least " + count + " values, but had " + a.length);
        }
    }

    @Override
    public String toString() {
        return String.format("precision: min %.1f bits, mean %.1f bits (max error %.3g over %d slots)", minBits, meanBits,
                maxError, count);
    }
}
