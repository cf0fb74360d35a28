package io.henas.ring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Limb operations of {@link Ring} on 256-bit vectors (AVX2) for primes below 2^49, computing in doubles as
 * {@link NttVector4} does. The product of residues {@code a, b < q}: {@code hi + lo = a * b} exactly
 * ({@code hi} rounded, {@code lo = fma(a, b, -hi)}); the quotient estimate {@code t = round(hi * (1/q) - 1/2)} carries
 * three roundings of relative size 2^-53 on a value below {@code q < 2^49} (an error below 1/8), so it is within one
 * of {@code floor(a * b / q)} and {@code r = fma(-t, q, hi) + lo} (exact: an integer below 2^51 in magnitude) lies in
 * {@code (-q, 2q)}; two conditional corrections bring it to {@code [0, q)}. Results equal the scalar operations'. Each
 * loop spells its arithmetic out (no helper calls: C2 must inline every vector operation, see {@link NttVector4}).
 * Only loaded when {@link NttTables#SIMD_LANES} is 4; {@code n} must be a multiple of 4.
 */
final class RingVector4 {
    private static final VectorSpecies<Long> LS = NttVector4.LS;
    private static final VectorSpecies<Double> DS = NttVector4.DS;
    private static final int LANES = NttVector4.LANES;
    private static final double TWO52 = NttVector4.TWO52;
    private static final long TWO52_BITS = NttVector4.TWO52_BITS;
    private static final double ROUND = NttVector4.ROUND;

    private RingVector4() {
    }

    /** {@code out = a * b mod q} pointwise. */
    static void mul(long[] a, long[] b, long[] out, int n, long q) {
        final DoubleVector vq = DoubleVector.broadcast(DS, (double) q);
        final DoubleVector qInv = DoubleVector.broadcast(DS, 1.0 / q);
        final DoubleVector two52 = DoubleVector.broadcast(DS, TWO52);
        final DoubleVector round = DoubleVector.broadcast(DS, ROUND);
        final DoubleVector half = DoubleVector.broadcast(DS, -0.5);
        final LongVector bits = LongVector.broadcast(LS, TWO52_BITS);
        for (int k = 0; k < n; k += LANES) {
            DoubleVector x = LongVector.fromArray(LS, a, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector y = LongVector.fromArray(LS, b, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector hi = x.mul(y);
            DoubleVector lo = x.fma(y, hi.neg());
            DoubleVector t = hi.fma(qInv, half).add(round).sub(round);
            DoubleVector r = t.neg().fma(vq, hi).add(lo);
            r = r.add(vq, r.compare(VectorOperators.LT, 0.0));
            r = r.sub(vq, r.compare(VectorOperators.GE, vq));
            r.add(two52).reinterpretAsLongs().sub(bits).intoArray(out, k);
        }
    }

    /** {@code out = c + a * b mod q} pointwise ({@code c} in {@code [0, q)}; {@code out} may be {@code c}). */
    static void mulAdd(long[] a, long[] b, long[] c, long[] out, int n, long q) {
        final DoubleVector vq = DoubleVector.broadcast(DS, (double) q);
        final DoubleVector qInv = DoubleVector.broadcast(DS, 1.0 / q);
        final DoubleVector two52 = DoubleVector.broadcast(DS, TWO52);
        final DoubleVector round = DoubleVector.broadcast(DS, ROUND);
        final DoubleVector half = DoubleVector.broadcast(DS, -0.5);
        final LongVector bits = LongVector.broadcast(LS, TWO52_BITS);
        for (int k = 0; k < n; k += LANES) {
            DoubleVector x = LongVector.fromArray(LS, a, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector y = LongVector.fromArray(LS, b, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector z = LongVector.fromArray(LS, c, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector hi = x.mul(y);
            DoubleVector lo = x.fma(y, hi.neg());
            DoubleVector t = hi.fma(qInv, half).add(round).sub(round);
            DoubleVector r = t.neg().fma(vq, hi).add(lo);
            r = r.add(vq, r.compare(VectorOperators.LT, 0.0));
            r = r.sub(vq, r.compare(VectorOperators.GE, vq)).add(z); // [0, 2q)
            r = r.sub(vq, r.compare(VectorOperators.GE, vq));
            r.add(two52).reinterpretAsLongs().sub(bits).intoArray(out, k);
        }
    }

    /** {@code out0 = a0 * b mod q}, {@code out1 = a1 * b mod q} pointwise (b read once). */
    static void mul2(long[] a0, long[] a1, long[] b, long[] out0, long[] out1, int n, long q) {
        final DoubleVector vq = DoubleVector.broadcast(DS, (double) q);
        final DoubleVector qInv = DoubleVector.broadcast(DS, 1.0 / q);
        final DoubleVector two52 = DoubleVector.broadcast(DS, TWO52);
        final DoubleVector round = DoubleVector.broadcast(DS, ROUND);
        final DoubleVector half = DoubleVector.broadcast(DS, -0.5);
        final LongVector bits = LongVector.broadcast(LS, TWO52_BITS);
        for (int k = 0; k < n; k += LANES) {
            DoubleVector y = LongVector.fromArray(LS, b, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector x0 = LongVector.fromArray(LS, a0, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector x1 = LongVector.fromArray(LS, a1, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector hi0 = x0.mul(y);
            DoubleVector lo0 = x0.fma(y, hi0.neg());
            DoubleVector t0 = hi0.fma(qInv, half).add(round).sub(round);
            DoubleVector r0 = t0.neg().fma(vq, hi0).add(lo0);
            r0 = r0.add(vq, r0.compare(VectorOperators.LT, 0.0));
            r0 = r0.sub(vq, r0.compare(VectorOperators.GE, vq));
            r0.add(two52).reinterpretAsLongs().sub(bits).intoArray(out0, k);
            DoubleVector hi1 = x1.mul(y);
            DoubleVector lo1 = x1.fma(y, hi1.neg());
            DoubleVector t1 = hi1.fma(qInv, half).add(round).sub(round);
            DoubleVector r1 = t1.neg().fma(vq, hi1).add(lo1);
            r1 = r1.add(vq, r1.compare(VectorOperators.LT, 0.0));
            r1 = r1.sub(vq, r1.compare(VectorOperators.GE, vq));
            r1.add(two52).reinterpretAsLongs().sub(bits).intoArray(out1, k);
        }
    }

    /**
     * {@code out = (s - t) * c mod q} for {@code s, t} in {@code [0, q)} and a constant {@code c < q} with
     * {@code cq = c / q} (the operand {@code s - t + q < 2q}: its quotient estimate errs by less than 1/4).
     */
    static void subMul(long[] s, long[] t, long c, double cq, long[] out, int n, long q) {
        final DoubleVector vq = DoubleVector.broadcast(DS, (double) q);
        final DoubleVector vc = DoubleVector.broadcast(DS, (double) c);
        final DoubleVector vcq = DoubleVector.broadcast(DS, cq);
        final DoubleVector two52 = DoubleVector.broadcast(DS, TWO52);
        final DoubleVector round = DoubleVector.broadcast(DS, ROUND);
        final DoubleVector half = DoubleVector.broadcast(DS, -0.5);
        final LongVector bits = LongVector.broadcast(LS, TWO52_BITS);
        for (int k = 0; k < n; k += LANES) {
            DoubleVector x = LongVector.fromArray(LS, s, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector z = LongVector.fromArray(LS, t, k).or(bits).reinterpretAsDoubles().sub(two52);
            DoubleVector y = x.sub(z).add(vq); // [1, 2q)
            DoubleVector hi = y.mul(vc);
            DoubleVector lo = y.fma(vc, hi.neg());
            DoubleVector tq = y.fma(vcq, half).add(round).sub(round);
            DoubleVector r = tq.neg().fma(vq, hi).add(lo);
            r = r.add(vq, r.compare(VectorOperators.LT, 0.0));
            r = r.sub(vq, r.compare(VectorOperators.GE, vq));
            r.add(two52).reinterpretAsLongs().sub(bits).intoArray(out, k);
        }
    }
}
