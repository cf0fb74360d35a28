package io.henas.ring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The NTT stages with a butterfly span of at least 4, on 256-bit vectors (4 lanes) of the incubating Vector API, for
 * primes below 2^49: the AVX2 counterpart of {@link NttVector}. AVX2 has no 64-bit lane product and no conversion
 * between 64-bit integers and doubles, so the lanes compute in doubles, where residues below 2^52 are exact:
 * <ul>
 *   <li>a long {@code x < 2^52} becomes a double by setting the exponent bits of 2^52 and subtracting 2^52, and back
 *       by adding 2^52 and clearing them (additions, ORs and subtractions of bit patterns);</li>
 *   <li>{@code y * w mod q} for {@code y < 4q}, {@code w < q < 2^49}: the product is {@code hi + lo} exactly
 *       ({@code hi = y * w} rounded, {@code lo = fma(y, w, -hi)}); the quotient estimate
 *       {@code t = round(y * (w / q) - 1/2)} (one fused rounding, then rounded to an integer by adding and subtracting
 *       1.5 * 2^52) is within one of {@code floor(y * w / q)} (the estimate of a quotient
 *       below 2^51 errs by less than 1/2), so {@code r = fma(-t, q, hi) + lo}, exact because it is an integer below
 *       2^51 in magnitude, lies in {@code (-q, 2q)}, and adding q to negative lanes brings it to {@code [0, 2q)}, the
 *       range of the scalar Shoup product.</li>
 * </ul>
 * Stages keep the scalar path's lazy ranges ({@code [0, 4q)} between forward stages, {@code [0, 2q)} between inverse
 * ones), so intermediate values may differ from it by a multiple of q while the transforms' outputs, in
 * {@code [0, q)}, are identical. Only loaded when {@link NttTables#SIMD} holds with 4-lane vectors.
 */
final class NttVector4 {
    static final VectorSpecies<Long> LS = LongVector.SPECIES_256;
    static final VectorSpecies<Double> DS = DoubleVector.SPECIES_256;
    /** Lanes per vector. */
    static final int LANES = 4;
    /** Primes must be below this bound for these stages (quotients below 2^51, see the class comment). */
    static final long MAX_PRIME = 1L << 49;

    static final double TWO52 = 0x1p52;
    static final long TWO52_BITS = Double.doubleToRawLongBits(TWO52);

    private NttVector4() {
    }

    /** Whether 256-bit vectors are the platform's preferred shape (AVX2 without AVX-512). */
    static boolean supported() {
        return LongVector.SPECIES_PREFERRED.length() == LANES && DoubleVector.SPECIES_PREFERRED.length() == LANES;
    }

    /** {@code x} (lanes in {@code [0, 2^52)}) as exact doubles. */
    static DoubleVector toDouble(LongVector x) {
        return x.or(TWO52_BITS).reinterpretAsDoubles().sub(TWO52);
    }

    /** {@code x} (lanes integers in {@code [0, 2^52)}) as longs. */
    static LongVector toLong(DoubleVector x) {
        return x.add(TWO52).reinterpretAsLongs().sub(TWO52_BITS);
    }

    /** {@code y * w mod q} in {@code [0, 2q)} for lanes {@code y < 4q} (doubles), {@code wq = w / q} rounded. */
    static DoubleVector mulLazy(DoubleVector y, DoubleVector w, DoubleVector wq, DoubleVector q) {
        DoubleVector hi = y.mul(w);
        DoubleVector lo = y.fma(w, hi.neg());
        // rounding by adding 1.5 * 2^52: exact to an integer for the estimate's range (-1, 2^51)
        DoubleVector t = y.fma(wq, MINUS_HALF).add(ROUND).sub(ROUND);
        DoubleVector r = t.neg().fma(q, hi).add(lo);
        return r.add(q, r.compare(VectorOperators.LT, 0.0));
    }

    private static final DoubleVector MINUS_HALF = DoubleVector.broadcast(DS, -0.5);
    static final double ROUND = 0x1.8p52;

    /*
     * The loops below spell out toDouble, toLong and mulLazy (the reference forms, tested lane by lane in
     * NttVectorTest) instead of calling them: C2 must inline every
     * vector operation to keep vectors in registers, and it refused to inline these helpers at some call sites
     * ("low call site frequency", "already compiled into a medium method"), boxing every vector (inverse 3x slower).
     */

    /**
     * Forward (Cooley-Tukey) radix-2 stages {@code m = 1, 2, ...} while the span {@code n / (2m)} is at least 4; inputs
     * in {@code [0, 2q)} or {@code [0, 4q)}, outputs in {@code [0, 4q)}. Returns the first {@code m} not done.
     */
    static int forward(long[] a, int n, long q, long[] w, double[] wq) {
        final DoubleVector vq = DoubleVector.broadcast(DS, (double) q);
        final DoubleVector v2q = DoubleVector.broadcast(DS, 2.0 * q);
        final DoubleVector two52 = DoubleVector.broadcast(DS, TWO52);
        final DoubleVector round = DoubleVector.broadcast(DS, ROUND);
        final DoubleVector half = MINUS_HALF;
        final LongVector bits = LongVector.broadcast(LS, TWO52_BITS);
        int m = 1;
        for (; n / (2 * m) >= LANES; m <<= 1) {
            final int h = n / (2 * m);
            for (int i = 0; i < m; i++) {
                final int j1 = 2 * i * h;
                final DoubleVector vw = DoubleVector.broadcast(DS, (double) w[m + i]);
                final DoubleVector vwq = DoubleVector.broadcast(DS, wq[m + i]);
                for (int j = j1; j < j1 + h; j += LANES) {
                    DoubleVector x = LongVector.fromArray(LS, a, j).or(bits).reinterpretAsDoubles().sub(two52);
                    DoubleVector y = LongVector.fromArray(LS, a, j + h).or(bits).reinterpretAsDoubles().sub(two52);
                    x = x.sub(v2q, x.compare(VectorOperators.GE, v2q));
                    DoubleVector hi = y.mul(vw);
                    DoubleVector lo = y.fma(vw, hi.neg());
                    DoubleVector t = y.fma(vwq, half).add(round).sub(round);
                    DoubleVector v = t.neg().fma(vq, hi).add(lo);
                    v = v.add(vq, v.compare(VectorOperators.LT, 0.0));
                    x.add(v).add(two52).reinterpretAsLongs().sub(bits).intoArray(a, j);
                    x.sub(v).add(v2q).add(two52).reinterpretAsLongs().sub(bits).intoArray(a, j + h);
                }
            }
        }
        return m;
    }

    /**
     * Inverse (Gentleman-Sande) radix-2 stages from span {@code t} (at least 4) while more than one stage remains
     * ({@code m > 2}), inputs and outputs in {@code [0, 2q)}; then the last stage merged with the multiplication by
     * {@code 1/N} ({@code ni}, and {@code li = w[1] / N}), outputs in {@code [0, q)}.
     */
    static void inverseFrom(long[] a, int n, int t, int m, long q, long[] w, double[] wq, long ni, double niq,
                            long li, double liq) {
        final DoubleVector vq = DoubleVector.broadcast(DS, (double) q);
        final DoubleVector v2q = DoubleVector.broadcast(DS, 2.0 * q);
        final DoubleVector two52 = DoubleVector.broadcast(DS, TWO52);
        final DoubleVector round = DoubleVector.broadcast(DS, ROUND);
        final DoubleVector half = MINUS_HALF;
        final LongVector bits = LongVector.broadcast(LS, TWO52_BITS);
        for (; m > 2; m >>>= 1, t <<= 1) {
            final int h = m >>> 1;
            for (int i = 0; i < h; i++) {
                final int j1 = 2 * i * t;
                final DoubleVector vw = DoubleVector.broadcast(DS, (double) w[h + i]);
                final DoubleVector vwq = DoubleVector.broadcast(DS, wq[h + i]);
                for (int j = j1; j < j1 + t; j += LANES) {
                    DoubleVector u = LongVector.fromArray(LS, a, j).or(bits).reinterpretAsDoubles().sub(two52);
                    DoubleVector v = LongVector.fromArray(LS, a, j + t).or(bits).reinterpretAsDoubles().sub(two52);
                    DoubleVector s = u.add(v);
                    s = s.sub(v2q, s.compare(VectorOperators.GE, v2q));
                    DoubleVector y = u.sub(v).add(v2q);
                    DoubleVector hi = y.mul(vw);
                    DoubleVector lo = y.fma(vw, hi.neg());
                    DoubleVector tq = y.fma(vwq, half).add(round).sub(round);
                    DoubleVector r = tq.neg().fma(vq, hi).add(lo);
                    r = r.add(vq, r.compare(VectorOperators.LT, 0.0));
                    s.add(two52).reinterpretAsLongs().sub(bits).intoArray(a, j);
                    r.add(two52).reinterpretAsLongs().sub(bits).intoArray(a, j + t);
                }
            }
        }
        final int halfN = n >>> 1;
        final DoubleVector vni = DoubleVector.broadcast(DS, (double) ni);
        final DoubleVector vniq = DoubleVector.broadcast(DS, niq);
        final DoubleVector vli = DoubleVector.broadcast(DS, (double) li);
        final DoubleVector vliq = DoubleVector.broadcast(DS, liq);
        for (int j = 0; j < halfN; j += LANES) {
            DoubleVector u = LongVector.fromArray(LS, a, j).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector v = LongVector.fromArray(LS, a, j + halfN).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector y0 = u.add(v);
            DoubleVector hi0 = y0.mul(vni);
            DoubleVector lo0 = y0.fma(vni, hi0.neg());
            DoubleVector t0 = y0.fma(vniq, half).add(round).sub(round);
            DoubleVector r0 = t0.neg().fma(vq, hi0).add(lo0);
            r0 = r0.add(vq, r0.compare(VectorOperators.LT, 0.0));
            r0 = r0.sub(vq, r0.compare(VectorOperators.GE, vq));
            DoubleVector y1 = u.sub(v).add(v2q);
            DoubleVector hi1 = y1.mul(vli);
            DoubleVector lo1 = y1.fma(vli, hi1.neg());
            DoubleVector t1 = y1.fma(vliq, half).add(round).sub(round);
            DoubleVector r1 = t1.neg().fma(vq, hi1).add(lo1);
            r1 = r1.add(vq, r1.compare(VectorOperators.LT, 0.0));
            r1 = r1.sub(vq, r1.compare(VectorOperators.GE, vq));
            r0.add(two52).reinterpretAsLongs().sub(bits).intoArray(a, j);
            r1.add(two52).reinterpretAsLongs().sub(bits).intoArray(a, j + halfN);
        }
    }
}
