package io.henas.he;

/**
 * Security of a ring degree and modulus size: the hard 128-bit bound is {@link io.henas.rlwe.SecurityBound} (the
 * HomomorphicEncryption.org table SEAL enforces); the 192/256-bit columns of the same standard only serve the
 * reported estimate.
 */
public final class SecurityTable {
    private static final int[] LOG_N = {10, 11, 12, 13, 14, 15, 16};
    private static final int[] BITS_192 = {19, 37, 75, 152, 305, 611, 1222};
    private static final int[] BITS_256 = {14, 29, 58, 118, 237, 476, 952};

    private SecurityTable() {
    }

    /** Largest {@code log2(QP)} that keeps 128-bit security at ring degree {@code 2^logN}. */
    public static int maxLogQp128(int logN) {
        return io.henas.rlwe.SecurityBound.maxLogQP(logN);
    }

    /**
     * Estimated security in bits of ring degree {@code 2^logN} with a {@code logQp}-bit modulus: piecewise linear in
     * {@code N / logQP} through the standard's 128/192/256-bit points (extrapolated, floored at 0). An estimate for
     * reporting; the hard check is {@code logQp <= maxLogQp128(logN)}.
     */
    public static double securityBits(int logN, int logQp) {
        if (logQp < 1) {
            throw new IllegalArgumentException("logQp must be >= 1, but was " + logQp);
        }
        int i = index(logN);
        double n = Math.pow(2, logN);
        double x = n / logQp;
        double x128 = n / maxLogQp128(logN);
        double x192 = n / BITS_192[i];
        double x256 = n / BITS_256[i];
        double s;
        if (x <= x192) {
            s = 128 + (x - x128) * (192 - 128) / (x192 - x128);
        } else {
            s = 192 + (x - x192) * (256 - 192) / (x256 - x192);
        }
        return Math.max(0, Math.floor(s * 10) / 10);
    }

    private static int index(int logN) {
        if (logN < LOG_N[0] || logN > LOG_N[LOG_N.length - 1]) {
            throw new IllegalArgumentException("logN must be in [10, 16], but was " + logN);
        }
        return logN - LOG_N[0];
    }
}
