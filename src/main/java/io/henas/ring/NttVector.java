package io.henas.ring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The NTT stages with a butterfly span of at least 8, on 512-bit vectors (8 longs) of the incubating Vector API, for
 * primes below 2^50. Lanes have no 64x64-to-128-bit product, so {@code y * w mod q} takes its quotient from doubles:
 * {@code t = (long) (y * (w / q))} is within one of {@code floor(y * w / q)} for {@code y < 2^52} (two roundings of
 * relative size 2^-53 on a value below 2^52), so {@code y * w - t * q}, computed exactly in 64-bit lanes, lies in
 * {@code (-q, 2q)} and one conditional addition brings it to {@code [0, 2q)}, the range of the scalar Shoup product.
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

    /** {@code y * w mod q} in {@code [0, 2q)} for lanes {@code y < 2^52}. */
    private static LongVector mulLazy(LongVector y, LongVector w, DoubleVector wq, LongVector q) {
        LongVector t = ((DoubleVector) y.convert(VectorOperators.L2D, 0)).mul(wq)
                .convert(VectorOperators.D2L, 0).reinterpretAsLongs();
        LongVector r = y.mul(w).sub(t.mul(q));
        return r.add(r.lanewise(VectorOperators.ASHR, 63).and(q));
    }

    /**
     * Forward (Cooley-Tukey) radix-2 stages {@code m = 1, 2, ...} while the span {@code n / (2m)} is at least 8; inputs
     * in {@code [0, 2q)} or {@code [0, 4q)}, outputs in {@code [0, 4q)}. Returns the first {@code m} not done.
     */
    static int forward(long[] a, int n, long q, long[] w, double[] wq) {
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
                    LongVector v = mulLazy(y, vw, vwq, vq);
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
                    mulLazy(d, vw, vwq, vq).intoArray(a, j + t);
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
            LongVector r0 = mulLazy(u.add(v), vni, vniq, vq).sub(vq);
            LongVector r1 = mulLazy(u.sub(v).add(v2q), vli, vliq, vq).sub(vq);
            r0.add(r0.lanewise(VectorOperators.ASHR, 63).and(vq)).intoArray(a, j);
            r1.add(r1.lanewise(VectorOperators.ASHR, 63).and(vq)).intoArray(a, j + half);
        }
    }
}
