package io.henas.ring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The NTT stages with a butterfly span of at least 8, on 512-bit vectors (8 longs) of the incubating Vector API, for
 * primes below 2^56. Lanes have no 64x64-to-128-bit product, so {@code y * w mod q} takes its quotient from doubles:
 * for {@code q < 2^50}, {@code t = (long) (y * (w / q))} is within one of {@code floor(y * w / q)} for
 * {@code y < 2^52} (two roundings of relative size 2^-53 on a value below 2^52), so {@code y * w - t * q}, computed
 * exactly in 64-bit lanes, lies in {@code (-q, 2q)} and one conditional addition brings it to {@code [0, 2q)}, the
 * range of the scalar Shoup product; larger primes take a second quotient ({@link #mulLazy}).
 * Intermediate values may differ from the scalar path by a multiple of q; the transforms' outputs, in {@code [0, q)},
 * are identical. Only loaded when {@link NttTables#SIMD} holds.
 */
final class NttVector {
    static final VectorSpecies<Long> LS = LongVector.SPECIES_512;
    static final VectorSpecies<Double> DS = DoubleVector.SPECIES_512;
    /** Lanes per vector. */
    static final int LANES = 8;

    private NttVector() {
    }

    /** Whether 512-bit vectors are the platform's preferred shape (else the lane operations are not compiled well). */
    static boolean supported() {
        return LongVector.SPECIES_PREFERRED.length() == LANES && DoubleVector.SPECIES_PREFERRED.length() == LANES;
    }

    /** Primes below this bound use the single-quotient product; up to {@link #MAX_PRIME} the two-step one. */
    static final long NARROW = 1L << 50;
    /** Primes must be below this bound for the vector paths. */
    static final long MAX_PRIME = 1L << 56;

    /**
     * {@code y * w mod q} in {@code [0, 2q)} for lanes {@code y < 4q}. Narrow ({@code q < 2^50}): one double quotient.
     * Wide ({@code q < 2^56}): the double quotient is within 97 of the true one, so the remainder lies within
     * {@code 97q < 2^63} of zero, exact in 64-bit lanes, and a second double quotient of that remainder (by
     * {@code qInv = 1/q}) brings it to {@code (-q, 2q)}.
     */
    static LongVector mulLazy(LongVector y, LongVector w, DoubleVector wq, LongVector q, DoubleVector qInv,
                              boolean wide) {
        LongVector t = ((DoubleVector) y.convert(VectorOperators.L2D, 0)).mul(wq)
                .convert(VectorOperators.D2L, 0).reinterpretAsLongs();
        LongVector r = y.mul(w).sub(t.mul(q));
        if (wide) {
            r = fold(r, q, qInv);
        }
        return r.add(r.lanewise(VectorOperators.ASHR, 63).and(q));
    }

    /**
     * For {@code |r| < 2^63 - 2q}, a value in {@code (-q, 2q)} congruent to r: {@code r - t * q} with t the truncated
     * double quotient lies in {@code (-2q, 2q)} (truncation rounds negative quotients up, and the double may cross an
     * integer), then one conditional addition.
     */
    static LongVector fold(LongVector r, LongVector q, DoubleVector qInv) {
        LongVector t = ((DoubleVector) r.convert(VectorOperators.L2D, 0)).mul(qInv)
                .convert(VectorOperators.D2L, 0).reinterpretAsLongs();
        LongVector s = r.sub(t.mul(q));
        return s.add(s.lanewise(VectorOperators.ASHR, 63).and(q));
    }

    /**
     * Forward (Cooley-Tukey) radix-2 stages {@code m = 1, 2, ...} while the span {@code n / (2m)} is at least 8; inputs
     * in {@code [0, 2q)} or {@code [0, 4q)}, outputs in {@code [0, 4q)}. Returns the first {@code m} not done.
     */
    static int forward(long[] a, int n, long q, long[] w, double[] wq) {
        final boolean wide = q >= NARROW;
        final DoubleVector qInv = DoubleVector.broadcast(DS, 1.0 / q);
        final LongVector vq = LongVector.broadcast(LS, q);
        final LongVector v2q = LongVector.broadcast(LS, 2 * q);
        int m = 1;
        for (; n / (2 * m) >= LANES; m <<= 1) {
            final int h = n / (2 * m);
            for (int i = 0; i < m; i++) {
                final int j1 = 2 * i * h;
                final LongVector vw = LongVector.broadcast(LS, w[m + i]);
                final DoubleVector vwq = DoubleVector.broadcast(DS, wq[m + i]);
                for (int j = j1; j < j1 + h; j += LANES) {
                    LongVector x = LongVector.fromArray(LS, a, j);
                    LongVector y = LongVector.fromArray(LS, a, j + h);
                    LongVector xs = x.sub(v2q);
                    x = xs.add(xs.lanewise(VectorOperators.ASHR, 63).and(v2q));
                    LongVector v = mulLazy(y, vw, vwq, vq, qInv, wide);
                    x.add(v).intoArray(a, j);
                    x.sub(v).add(v2q).intoArray(a, j + h);
                }
            }
        }
        return m;
    }

    /**
     * Inverse (Gentleman-Sande) radix-2 stages from span {@code t} (at least 8) while more than one stage remains
     * ({@code m > 2}), inputs and outputs in {@code [0, 2q)}; then the last stage merged with the multiplication by
     * {@code 1/N} ({@code ni}, and {@code li = w[1] / N}), outputs in {@code [0, q)}.
     */
    static void inverseFrom(long[] a, int n, int t, int m, long q, long[] w, double[] wq, long ni, double niq,
                            long li, double liq) {
        final boolean wide = q >= NARROW;
        final DoubleVector qInv = DoubleVector.broadcast(DS, 1.0 / q);
        final LongVector vq = LongVector.broadcast(LS, q);
        final LongVector v2q = LongVector.broadcast(LS, 2 * q);
        for (; m > 2; m >>>= 1, t <<= 1) {
            final int h = m >>> 1;
            for (int i = 0; i < h; i++) {
                final int j1 = 2 * i * t;
                final LongVector vw = LongVector.broadcast(LS, w[h + i]);
                final DoubleVector vwq = DoubleVector.broadcast(DS, wq[h + i]);
                for (int j = j1; j < j1 + t; j += LANES) {
                    LongVector u = LongVector.fromArray(LS, a, j);
                    LongVector v = LongVector.fromArray(LS, a, j + t);
                    LongVector s = u.add(v).sub(v2q);
                    s = s.add(s.lanewise(VectorOperators.ASHR, 63).and(v2q));
                    LongVector d = u.sub(v).add(v2q);
                    s.intoArray(a, j);
                    mulLazy(d, vw, vwq, vq, qInv, wide).intoArray(a, j + t);
                }
            }
        }
        final int half = n >>> 1;
        final LongVector vni = LongVector.broadcast(LS, ni);
        final DoubleVector vniq = DoubleVector.broadcast(DS, niq);
        final LongVector vli = LongVector.broadcast(LS, li);
        final DoubleVector vliq = DoubleVector.broadcast(DS, liq);
        for (int j = 0; j < half; j += LANES) {
            LongVector u = LongVector.fromArray(LS, a, j);
            LongVector v = LongVector.fromArray(LS, a, j + half);
            LongVector r0 = mulLazy(u.add(v), vni, vniq, vq, qInv, wide).sub(vq);
            LongVector r1 = mulLazy(u.sub(v).add(v2q), vli, vliq, vq, qInv, wide).sub(vq);
            r0.add(r0.lanewise(VectorOperators.ASHR, 63).and(vq)).intoArray(a, j);
            r1.add(r1.lanewise(VectorOperators.ASHR, 63).and(vq)).intoArray(a, j + half);
        }
    }
}
