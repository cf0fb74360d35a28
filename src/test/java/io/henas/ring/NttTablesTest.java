package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NttTablesTest {
    static final long SEED = 20261121L;

    /** Naive negacyclic product mod q with BigInteger. */
    static long[] naive(long[] a, long[] b, long q) {
        int n = a.length;
        BigInteger[] acc = new BigInteger[n];
        java.util.Arrays.fill(acc, BigInteger.ZERO);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                BigInteger p = BigInteger.valueOf(a[i]).multiply(BigInteger.valueOf(b[j]));
                int k = i + j;
                if (k >= n) {
                    acc[k - n] = acc[k - n].subtract(p);
                } else {
                    acc[k] = acc[k].add(p);
                }
            }
        }
        long[] out = new long[n];
        BigInteger bq = BigInteger.valueOf(q);
        for (int k = 0; k < n; k++) {
            out[k] = acc[k].mod(bq).longValue();
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"1, 20", "3, 30", "5, 40", "6, 50", "8, 59", "8, 61", "9, 45", "10, 61"})
    void productMatchesNaiveConvolution(int logN, int bits) {
        long q = Primes.largestBelow(logN, bits, Set.of());
        Modulus m = new Modulus(q);
        NttTables t = new NttTables(m, logN);
        int n = 1 << logN;
        SplittableRandom r = new SplittableRandom(SEED + logN * 100 + bits);
        long[] a = new long[n];
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong(q);
            b[i] = i % 7 == 0 ? q - 1 : r.nextLong(q); // include the extreme residue
        }
        long[] expect = naive(a, b, q);
        long[] fa = a.clone();
        long[] fb = b.clone();
        t.forward(fa);
        t.forward(fb);
        long[] prod = new long[n];
        for (int i = 0; i < n; i++) {
            assertEquals(true, fa[i] >= 0 && fa[i] < q, "forward output must be reduced");
            prod[i] = m.mul(fa[i], fb[i]);
        }
        t.inverse(prod);
        assertArrayEquals(expect, prod);
        // inverse(forward(a)) = a
        t.inverse(fa);
        assertArrayEquals(a, fa);
    }

    @ParameterizedTest
    @CsvSource({"4, 30", "7, 55", "11, 40"})
    void forwardIsEvaluationAtOddPowersInBitReversedOrder(int logN, int bits) {
        long q = Primes.largestBelow(logN, bits, Set.of());
        Modulus m = new Modulus(q);
        NttTables t = new NttTables(m, logN);
        int n = 1 << logN;
        SplittableRandom r = new SplittableRandom(SEED);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong(q);
        }
        long[] f = a.clone();
        t.forward(f);
        for (int k : new int[]{0, 1, n / 2, n - 1}) {
            long x = m.pow(t.psi(), 2L * NttTables.bitReverse(k, logN) + 1);
            long v = 0;
            for (int i = n - 1; i >= 0; i--) {
                v = m.add(m.mul(v, x), a[i]);
            }
            assertEquals(v, f[k], "evaluation at index " + k);
        }
    }
}
