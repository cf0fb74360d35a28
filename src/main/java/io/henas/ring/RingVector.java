package io.henas.ring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Limb operations of {@link Ring} on 512-bit vectors for primes below 2^56 (see {@link NttVector} for the
 * double-quotient product). The product of two residues {@code a, b < q}: the double {@code a * b * (1/q)} carries
 * three roundings of relative size 2^-53 on a value below {@code q}, so for {@code q < 2^50} its truncation is within
 * one of {@code floor(a * b / q)} and {@code a * b - t * q}, exact in 64-bit lanes, lies in {@code (-q, 2q)}; larger
 * primes take a second quotient. Results equal the scalar operations'. Only loaded when {@link NttTables#SIMD} holds; {@code n} must be a multiple of 8.
 */
final class RingVector {
    private static final VectorSpecies<Long> LS = NttVector.LS;
    private static final VectorSpecies<Double> DS = NttVector.DS;
    private static final int LANES = NttVector.LANES;

    private RingVector() {
    }

    private static LongVector reduceOnce(LongVector r, LongVector q) {
        LongVector t = r.sub(q);
        return t.add(t.lanewise(VectorOperators.ASHR, 63).and(q));
    }

    private static LongVector fixNegative(LongVector r, LongVector q) {
        return r.add(r.lanewise(VectorOperators.ASHR, 63).and(q));
    }

    /**
     * {@code a * b mod q} in {@code [0, q)} for residue lanes; for {@code q >= 2^50} ({@code wide}) the first
     * quotient is within 24 of the true one and {@link NttVector#fold} finishes.
     */
    private static LongVector mul(LongVector x, LongVector y, LongVector vq, DoubleVector vqInv, boolean wide) {
        DoubleVector p = ((DoubleVector) x.convert(VectorOperators.L2D, 0))
                .mul((DoubleVector) y.convert(VectorOperators.L2D, 0)).mul(vqInv);
        LongVector t = p.convert(VectorOperators.D2L, 0).reinterpretAsLongs();
        LongVector r = x.mul(y).sub(t.mul(vq));
        if (wide) {
            r = NttVector.fold(r, vq, vqInv);
        }
        return reduceOnce(fixNegative(r, vq), vq);
    }

    /** {@code out = a * b mod q} pointwise. */
    static void mul(long[] a, long[] b, long[] out, int n, long q) {
        final boolean wide = q >= NttVector.NARROW;
        LongVector vq = LongVector.broadcast(LS, q);
        DoubleVector vqInv = DoubleVector.broadcast(DS, 1.0 / q);
        for (int k = 0; k < n; k += LANES) {
            mul(LongVector.fromArray(LS, a, k), LongVector.fromArray(LS, b, k), vq, vqInv, wide).intoArray(out, k);
        }
    }

    /** {@code out = c + a * b mod q} pointwise ({@code c} in {@code [0, q)}; {@code out} may be {@code c}). */
    static void mulAdd(long[] a, long[] b, long[] c, long[] out, int n, long q) {
        final boolean wide = q >= NttVector.NARROW;
        LongVector vq = LongVector.broadcast(LS, q);
        DoubleVector vqInv = DoubleVector.broadcast(DS, 1.0 / q);
        for (int k = 0; k < n; k += LANES) {
            LongVector p = mul(LongVector.fromArray(LS, a, k), LongVector.fromArray(LS, b, k), vq, vqInv, wide);
            reduceOnce(p.add(LongVector.fromArray(LS, c, k)), vq).intoArray(out, k);
        }
    }

    /** {@code out0 = a0 * b mod q}, {@code out1 = a1 * b mod q} pointwise (b read once). */
    static void mul2(long[] a0, long[] a1, long[] b, long[] out0, long[] out1, int n, long q) {
        final boolean wide = q >= NttVector.NARROW;
        LongVector vq = LongVector.broadcast(LS, q);
        DoubleVector vqInv = DoubleVector.broadcast(DS, 1.0 / q);
        for (int k = 0; k < n; k += LANES) {
            LongVector y = LongVector.fromArray(LS, b, k);
            mul(LongVector.fromArray(LS, a0, k), y, vq, vqInv, wide).intoArray(out0, k);
            mul(LongVector.fromArray(LS, a1, k), y, vq, vqInv, wide).intoArray(out1, k);
        }
    }

    /**
     * {@code out = (s - t) * c mod q} for {@code s, t} in {@code [0, q)} and a constant {@code c < q} with
     * {@code cq = c / q}.
     */
    static void subMul(long[] s, long[] t, long c, double cq, long[] out, int n, long q) {
        final boolean wide = q >= NttVector.NARROW;
        LongVector vq = LongVector.broadcast(LS, q);
        DoubleVector vqInv = DoubleVector.broadcast(DS, 1.0 / q);
        LongVector vc = LongVector.broadcast(LS, c);
        DoubleVector vcq = DoubleVector.broadcast(DS, cq);
        for (int k = 0; k < n; k += LANES) {
            LongVector v = LongVector.fromArray(LS, s, k).sub(LongVector.fromArray(LS, t, k)).add(vq); // [1, 2q)
            LongVector r = NttVector.mulLazy(v, vc, vcq, vq, vqInv, wide); // [0, 2q)
            reduceOnce(r, vq).intoArray(out, k);
        }
    }

    /**
     * {@code out = [x]_{q_l} mod q} for {@code x} in {@code [0, ql)} read as centered ({@code x - ql} when
     * {@code x > ql/2}), with {@code qlMod = ql mod q}; requires {@code ql < 2^40 q} (the quotient's error stays
     * below one).
     */
    static void liftCentered(long[] x, long ql, long qlMod, long[] out, int n, long q) {
        LongVector vq = LongVector.broadcast(LS, q);
        LongVector vHalf = LongVector.broadcast(LS, ql >>> 1);
        LongVector vQlMod = LongVector.broadcast(LS, qlMod);
        DoubleVector vqInv = DoubleVector.broadcast(DS, 1.0 / q);
        for (int k = 0; k < n; k += LANES) {
            LongVector v = LongVector.fromArray(LS, x, k);
            LongVector e = ((DoubleVector) v.convert(VectorOperators.L2D, 0)).mul(vqInv)
                    .convert(VectorOperators.D2L, 0).reinterpretAsLongs();
            LongVector r = reduceOnce(fixNegative(v.sub(e.mul(vq)), vq), vq); // x mod q
            LongVector m = vHalf.sub(v).lanewise(VectorOperators.ASHR, 63).and(vQlMod); // qlMod if x > ql/2
            fixNegative(r.sub(m), vq).intoArray(out, k);
        }
    }
}
