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
            for (int bits : new int[]{20, 36, 44, 49, 50, 51, 55, 56, 57, 60}) {
                long q = Primes.chain(logN, bits)[0];
                NttTables t = new NttTables(new Modulus(q), logN);
                assertEquals(NttTables.SIMD && q < (1L << 56) && logN >= 5, t.vectorized(), "logN " + logN);
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
}
