package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The vector limb operations of {@link Ring} equal the scalar ones bit for bit. */
class RingVectorTest {
    @Test
    void vectorLimbOpsEqualScalar() {
        SplittableRandom r = new SplittableRandom(3);
        for (int bits : new int[]{20, 30, 40, 44, 48, 49, 50, 51, 55, 56, 57}) {
            int logN = 10;
            long[] primes = Primes.chain(logN, bits, bits + 1 > 60 ? 60 : bits + 1);
            Ring ring = new Ring(logN, primes);
            int n = ring.n();
            for (int i = 0; i < 2; i++) {
                long q = primes[i];
                assertEquals(NttTables.SIMD_LANES == 8 && q < (1L << 56), ring.vectorized(i));
                assertEquals(NttTables.SIMD_LANES == 4 && q < (1L << 49), ring.vectorized4(i));
                long[] a = random(r, n, q, true);
                long[] b = random(r, n, q, true);
                long[] c = random(r, n, q, true);
                long[] x = new long[n];
                long[] y = new long[n];
                ring.mulLimb(i, a, b, x);
                ring.mulLimbScalar(i, a, b, y);
                assertArrayEquals(y, x, bits + "-bit mul");
                ring.mulAddLimb(i, a, b, c, x);
                ring.mulAddLimbScalar(i, a, b, c, y);
                assertArrayEquals(y, x, bits + "-bit mulAdd");
                for (int k = 0; k < n; k++) { // and it is c + a*b mod q
                    BigInteger expect = BigInteger.valueOf(a[k]).multiply(BigInteger.valueOf(b[k]))
                            .add(BigInteger.valueOf(c[k])).mod(BigInteger.valueOf(q));
                    assertEquals(expect.longValueExact(), y[k], bits + "-bit mulAdd value");
                }
                long[] x1 = new long[n];
                long[] y1 = new long[n];
                ring.mulLimb2(i, a, c, b, x, x1, true);
                ring.mulLimb2(i, a, c, b, y, y1, false);
                assertArrayEquals(y, x, bits + "-bit mul2");
                assertArrayEquals(y1, x1, bits + "-bit mul2");
                Modulus m = ring.modulus(i);
                long k = r.nextLong(q);
                ring.subMulConstLimb(i, a, b, k, m.shoup(k), x, true);
                ring.subMulConstLimb(i, a, b, k, m.shoup(k), y, false);
                assertArrayEquals(y, x, bits + "-bit subMul");
                for (int j = 0; j < n; j++) {
                    assertEquals(m.mul(m.sub(a[j], b[j]), k), x[j]);
                }
                // the dropped limb modulo the other prime, including values around ql/2
                long ql = primes[1 - i];
                long[] last = random(r, n, ql, true);
                last[1] = ql >>> 1;
                last[2] = (ql >>> 1) + 1;
                ring.liftCenteredLimb(i, last, ql, x, true);
                ring.liftCenteredLimb(i, last, ql, y, false);
                assertArrayEquals(y, x, bits + "-bit lift");
                for (int j = 0; j < n; j++) {
                    long centered = last[j] > ql / 2 ? last[j] - ql : last[j];
                    assertEquals(m.reduceSigned(centered), x[j]);
                }
            }
        }
    }

    private static long[] random(SplittableRandom r, int n, long q, boolean extremes) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong(q);
        }
        if (extremes) {
            a[0] = q - 1;
            a[3] = 0;
        }
        return a;
    }
}
