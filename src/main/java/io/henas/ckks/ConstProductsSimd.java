package io.henas.ckks;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loop of {@link ConstProducts} on 512-bit vectors (8 longs) of the incubating Vector API, for primes below
 * 2^50. Lanes have no 64x64-to-128-bit product, so the quotient of {@code x * w / q} comes from doubles:
 * {@code t = (long) (x * (w / q))} differs from {@code floor(x * w / q)} by at most one for {@code x, w < q < 2^50}
 * (two roundings of relative size 2^-53 on a value below 2^50), so {@code x * w - t * q}, exact in 64-bit lanes, lies
 * in {@code (-q, 2q)}; adding q makes every term non-negative and below {@code 3q}. Sums are reduced as in the scalar
 * path, so the outputs are identical. Used only when 512-bit vectors are the platform's preferred shape.
 */
final class ConstProductsSimd {
    static final VectorSpecies<Long> LS = LongVector.SPECIES_512;
    static final VectorSpecies<Double> DS = DoubleVector.SPECIES_512;
    /** Primes below this bound take the vector path. */
    static final long MAX_PRIME = 1L << 50;
    /** Whether the vector path is compiled well here (512-bit vectors preferred). */
    static final boolean SUPPORTED = LongVector.SPECIES_PREFERRED.length() == 8
            && DoubleVector.SPECIES_PREFERRED.length() == 8;

    private ConstProductsSimd() {
    }

    /** Whether {@code q} and a block of {@code len} coefficients can take the vector path. */
    static boolean applies(long q, int len) {
        return SUPPORTED && q < MAX_PRIME && len % 8 == 0;
    }

    /** {@code sum[j] += x[k0 + j] * w mod q}, each term in {@code [0, 3q)}, for {@code j < len}. */
    static void accumulate(long[] x, int k0, int len, long w, long q, long[] sum) {
        products(x, k0, len, w, q, sum, true);
    }

    /** {@code sum[j] = x[k0 + j] * w mod q} in {@code [0, 3q)}, for {@code j < len}. */
    static void first(long[] x, int k0, int len, long w, long q, long[] sum) {
        products(x, k0, len, w, q, sum, false);
    }

    /**
     * The lazy products {@code x[k0 + j] * w mod q} in {@code [0, 3q)}: the quotient estimated in double precision
     * (exact to within one for {@code q < 2^50}), the remainder computed in 64-bit wrap-around arithmetic; added to
     * {@code sum} or stored in it.
     */
    private static void products(long[] x, int k0, int len, long w, long q, long[] sum, boolean add) {
        LongVector vw = LongVector.broadcast(LS, w);
        LongVector vq = LongVector.broadcast(LS, q);
        DoubleVector vwq = DoubleVector.broadcast(DS, (double) w / q);
        for (int j = 0; j < len; j += 8) {
            LongVector y = LongVector.fromArray(LS, x, k0 + j);
            LongVector t = ((DoubleVector) y.convert(VectorOperators.L2D, 0)).mul(vwq)
                    .convert(VectorOperators.D2L, 0).reinterpretAsLongs();
            LongVector r = y.mul(vw).sub(t.mul(vq)).add(vq);
            (add ? LongVector.fromArray(LS, sum, j).add(r) : r).intoArray(sum, j);
        }
    }
}
