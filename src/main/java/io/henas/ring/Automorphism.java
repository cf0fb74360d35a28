package io.henas.ring;

/**
 * Ring automorphisms {@code sigma_g: X -> X^g} of {@code Z[X]/(X^N + 1)} for odd {@code g}: in coefficient form a
 * signed permutation, in NTT form (the order of {@link NttTables#forward}) a plain permutation of the evaluations.
 */
public final class Automorphism {
    private Automorphism() {
    }

    /**
     * The index map {@code perm} such that {@code sigma_g(a)} in NTT form is {@code out[k] = a[perm[k]]}.
     *
     * @param logN ring degree exponent
     * @param g    odd Galois element in {@code [1, 2N)}
     */
    public static int[] nttPermutation(int logN, long g) {
        int n = 1 << logN;
        long twoN = 2L * n;
        checkElement(g, twoN);
        int[] perm = new int[n];
        for (int k = 0; k < n; k++) {
            long e = 2L * NttTables.bitReverse(k, logN) + 1;
            long ge = (g * e) % twoN;
            perm[k] = NttTables.bitReverse((int) ((ge - 1) >>> 1), logN);
        }
        return perm;
    }

    /** {@code out[k] = in[perm[k]]} ({@code out} must not alias {@code in}). */
    public static void permute(long[] in, int[] perm, long[] out) {
        for (int k = 0; k < perm.length; k++) {
            out[k] = in[perm[k]];
        }
    }

    /** {@code out = sigma_g(in)} for a coefficient-form limb modulo {@code q} ({@code out} must not alias {@code in}). */
    public static void applyCoefficients(long[] in, long g, Modulus q, long[] out) {
        int n = in.length;
        long twoN = 2L * n;
        checkElement(g, twoN);
        for (int i = 0; i < n; i++) {
            long e = (i * g) % twoN;
            if (e < n) {
                out[(int) e] = in[i];
            } else {
                out[(int) (e - n)] = q.neg(in[i]);
            }
        }
    }

    /** The Galois element {@code 5^k mod 2N} of a left rotation by {@code k} slots (any sign). */
    public static long rotationElement(int logN, int k) {
        int slots = 1 << (logN - 1);
        long twoN = 1L << (logN + 1);
        int steps = Math.floorMod(k, slots);
        long g = 1;
        long b = 5;
        for (int e = steps; e > 0; e >>>= 1) {
            if ((e & 1) != 0) {
                g = (g * b) % twoN;
            }
            b = (b * b) % twoN;
        }
        return g;
    }

    /** The Galois element of complex conjugation, {@code 2N - 1}. */
    public static long conjugationElement(int logN) {
        return (1L << (logN + 1)) - 1;
    }

    private static void checkElement(long g, long twoN) {
        if (g <= 0 || g >= twoN || (g & 1) == 0) {
            throw new IllegalArgumentException("Galois element must be odd and in [1, " + twoN + "), but was " + g);
        }
    }
}
