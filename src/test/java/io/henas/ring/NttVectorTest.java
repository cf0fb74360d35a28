package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The vectorised NTT stages give outputs identical to the scalar path (when SIMD is available here). */
class NttVectorTest {
    @Test
    void vectorAndScalarTransformsAreBitIdentical() {
        SplittableRandom r = new SplittableRandom(7);
        for (int logN = 1; logN <= 15; logN++) {
            for (int bits : new int[]{20, 36, 44, 48, 49, 50, 51, 55, 56, 57, 60}) {
                long q = Primes.chain(logN, bits)[0];
                NttTables t = new NttTables(new Modulus(q), logN);
                long bound = NttTables.SIMD_LANES == 8 ? 1L << 56 : 1L << 49;
                assertEquals(NttTables.SIMD && q < bound && (1 << logN) >= 4 * NttTables.SIMD_LANES, t.vectorized(),
                        "logN " + logN + ", " + bits + " bits");
                int n = 1 << logN;
                long[] x = new long[n];
                for (int i = 0; i < n; i++) {
                    // forward accepts [0, 2q); use the extremes too
                    x[i] = i % 97 == 0 ? 2 * q - 1 : i % 89 == 0 ? 0 : r.nextLong(2 * q);
                }
                long[] a = x.clone();
                long[] b = x.clone();
                t.forward(a);
                t.forwardScalar(b);
                assertArrayEquals(b, a, "forward, logN " + logN + ", " + bits + " bits");
                for (long v : a) {
                    assertTrue(v >= 0 && v < q);
                }
                long[] c = a.clone();
                t.inverse(a);
                t.inverseScalar(c);
                assertArrayEquals(c, a, "inverse, logN " + logN + ", " + bits + " bits");
                for (int i = 0; i < n; i++) {
                    assertEquals(x[i] % q, a[i]);
                }
            }
        }
    }

    /**
     * The 4-lane (AVX2) product in doubles: {@code y * w mod q} in {@code [0, 2q)} for {@code y < 4q}, {@code w < q},
     * primes up to the bound, on random operands and the extremes (runs on any machine with the vector module: the
     * 256-bit shape exists on AVX-512 too).
     */
    @Test
    void fourLaneProductInDoublesIsExactUpToItsPrimeBound() {
        SplittableRandom r = new SplittableRandom(11);
        for (int bits : new int[]{20, 25, 30, 36, 44, 48, 49}) {
            for (int logN : new int[]{10, 13, 16}) {
                long q = Primes.chain(logN, bits)[0];
                assertTrue(q < NttVector4.MAX_PRIME);
                long[] ys = new long[4096];
                long[] ws = new long[4096];
                for (int i = 0; i < ys.length; i++) {
                    int k = i % 16;
                    ys[i] = k == 0 ? 4 * q - 1 : k == 1 ? 0 : k == 2 ? 2 * q : r.nextLong(4 * q);
                    ws[i] = k == 3 ? q - 1 : k == 4 ? 0 : k == 5 ? 1 : r.nextLong(q);
                }
                for (int i = 0; i < ys.length; i += NttVector4.LANES) {
                    long w = ws[i];
                    var y = NttVector4.toDouble(jdk.incubator.vector.LongVector.fromArray(NttVector4.LS, ys, i));
                    var vw = jdk.incubator.vector.DoubleVector.broadcast(NttVector4.DS, (double) w);
                    var vwq = jdk.incubator.vector.DoubleVector.broadcast(NttVector4.DS, w / (double) q);
                    var vq = jdk.incubator.vector.DoubleVector.broadcast(NttVector4.DS, (double) q);
                    long[] out = new long[NttVector4.LANES];
                    NttVector4.toLong(NttVector4.mulLazy(y, vw, vwq, vq)).intoArray(out, 0);
                    for (int l = 0; l < out.length; l++) {
                        long want = java.math.BigInteger.valueOf(ys[i + l]).multiply(java.math.BigInteger.valueOf(w))
                                .mod(java.math.BigInteger.valueOf(q)).longValueExact();
                        assertTrue(out[l] >= 0 && out[l] < 2 * q, bits + " bits: " + ys[i + l] + " * " + w + " -> "
                                + out[l]);
                        assertEquals(want, out[l] % q, bits + " bits: " + ys[i + l] + " * " + w);
                    }
                }
            }
        }
    }
}
