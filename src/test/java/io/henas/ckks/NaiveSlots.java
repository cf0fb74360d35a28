package io.henas.ckks;

/**
 * A deliberately simple O(N^2) reference for the slot convention of {@link Plaintext} (slot j = m(zeta^(5^j))),
 * independent of the production encoder: tests use it to check slot semantics.
 */
final class NaiveSlots {
    private NaiveSlots() {
    }

    /** Exponents 5^j mod 2N of the slot roots. */
    static long[] rootExponents(int n) {
        long[] e = new long[n / 2];
        long g = 1;
        for (int j = 0; j < n / 2; j++) {
            e[j] = g;
            g = g * 5 % (2L * n);
        }
        return e;
    }

    /** Encodes complex slots (re, im) into a plaintext at the given level and scale. */
    static Plaintext encode(CkksParameters p, double[] re, double[] im, int level, double scale) {
        int n = p.n();
        long[] e = rootExponents(n);
        double[] coeff = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n / 2; j++) {
                // Re(z_j * zeta_j^{-i}), zeta_j = exp(i*pi*e_j/N)
                long ang = (e[j] * i) % (2L * n);
                double t = -Math.PI * ang / n;
                s += re[j] * Math.cos(t) - im[j] * Math.sin(t);
            }
            coeff[i] = 2.0 / n * s * scale;
        }
        return Plaintext.fromCoefficients(p, coeff, level, scale);
    }

    /** Real-only convenience. */
    static Plaintext encode(CkksParameters p, double[] re, int level, double scale) {
        return encode(p, re, new double[re.length], level, scale);
    }

    /** Decodes to {re[], im[]}. */
    static double[][] decode(Plaintext pt) {
        double[] c = pt.toCoefficients();
        int n = c.length;
        long[] e = rootExponents(n);
        double[] re = new double[n / 2];
        double[] im = new double[n / 2];
        for (int j = 0; j < n / 2; j++) {
            double sr = 0;
            double si = 0;
            for (int i = 0; i < n; i++) {
                long ang = (e[j] * i) % (2L * n);
                double t = Math.PI * ang / n;
                sr += c[i] * Math.cos(t);
                si += c[i] * Math.sin(t);
            }
            re[j] = sr / pt.scale();
            im[j] = si / pt.scale();
        }
        return new double[][]{re, im};
    }

    /** Bits of precision: -log2 of the largest absolute error (capped at 60). */
    static double bits(double[] want, double[] got) {
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        return max == 0 ? 60 : Math.min(60, -Math.log(max) / Math.log(2));
    }
}
