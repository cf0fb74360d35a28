package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Random;

import org.junit.jupiter.api.Test;

class EncodingRnsTest {

    static final long SEED = CanonicalEmbeddingTest.SEED;

    /** {@code count} distinct NTT-friendly primes (1 mod 2N) just below {@code 2^bits}. */
    static long[] primes(int bits, int count, int logN) {
        long step = 2L << logN;
        long[] out = new long[count];
        long c = ((1L << bits) / step) * step + 1;
        int found = 0;
        while (found < count) {
            c -= step;
            if (BigInteger.valueOf(c).isProbablePrime(40)) {
                out[found++] = c;
            }
        }
        return out;
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static BigInteger product(long[] q, int count) {
        BigInteger p = BigInteger.ONE;
        for (int i = 0; i < count; i++) {
            p = p.multiply(BigInteger.valueOf(q[i]));
        }
        return p;
    }

    @Test
    void scaleRoundGivesExactResiduesOnFastAndWidePaths() {
        long[] q = concat(primes(60, 1, 12), primes(40, 3, 12));
        EncodingRns rns = new EncodingRns(q);
        Random rnd = new Random(SEED);
        int n = 512;
        double[] c = new double[n];
        for (int k = 0; k < n; k++) {
            // magnitudes from 2^-10 to 2^20: with scale 2^50 the products span both paths (below and above 2^62)
            c[k] = (rnd.nextBoolean() ? 1 : -1) * Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(31) - 10);
        }
        c[0] = 0;
        c[1] = -0.0;
        c[2] = Math.scalb(-1.0, 20);
        c[3] = Math.scalb(1.0, 12); // exactly 2^62 after scaling
        double scale = 0x1p50;
        long[][] out = new long[4][n];
        rns.scaleRoundInto(c, scale, 4, out);
        int wide = 0;
        for (int k = 0; k < n; k++) {
            BigInteger x = new BigDecimal(c[k]).multiply(new BigDecimal(scale)).setScale(0,
                    java.math.RoundingMode.HALF_EVEN).toBigIntegerExact();
            if (x.abs().bitLength() > 62) {
                wide++;
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(x.mod(BigInteger.valueOf(q[i])).longValueExact(), out[i][k], "coeff " + k + " prime " + i);
            }
        }
        assertTrue(wide > 100, "the test must exercise the wide path, but only " + wide + " values were above 2^62");
    }

    @Test
    void shoupConstantsMatchBigInteger() {
        Random rnd = new Random(SEED + 9);
        for (long q : new long[] {3, 97, (1L << 61) - 1, primes(61, 1, 16)[0], primes(40, 1, 12)[0]}) {
            for (int t = 0; t < 200; t++) {
                long w = t == 0 ? q - 1 : t == 1 ? 0 : Math.floorMod(rnd.nextLong(), q);
                long expected = BigInteger.valueOf(w).shiftLeft(64).divide(BigInteger.valueOf(q)).longValue();
                assertEquals(expected, EncodingRns.shoupConstant(w, q), "w=" + w + " q=" + q);
            }
        }
    }

    @Test
    void crtRecomposesCenteredValuesForManyWidePrimes() {
        long[] q = primes(61, 20, 16);
        EncodingRns rns = new EncodingRns(q);
        Random rnd = new Random(SEED + 1);
        for (int count : new int[] {1, 2, 3, 7, 20}) {
            BigInteger bigQ = product(q, count);
            int n = 300;
            BigInteger[] xs = new BigInteger[n];
            long[][] res = new long[count][n];
            for (int k = 0; k < n; k++) {
                int bits = 1 + rnd.nextInt(bigQ.bitLength() - 1);
                BigInteger x = new BigInteger(bits, rnd);
                if (rnd.nextBoolean()) {
                    x = x.negate();
                }
                if (k == 0) {
                    x = bigQ.shiftRight(1); // the extremes (Q-1)/2 and -(Q-1)/2
                } else if (k == 1) {
                    x = bigQ.shiftRight(1).negate();
                } else if (k == 2) {
                    x = BigInteger.ZERO;
                } else if (k == 3) {
                    x = BigInteger.valueOf(-1);
                }
                x = x.mod(bigQ).compareTo(bigQ.shiftRight(1)) > 0 ? x.mod(bigQ).subtract(bigQ) : x.mod(bigQ);
                xs[k] = x;
                for (int i = 0; i < count; i++) {
                    res[i][k] = x.mod(BigInteger.valueOf(q[i])).longValueExact();
                }
            }
            double scale = 0x1p45;
            double[] out = new double[n];
            rns.crtInto(res, count, scale, out);
            for (int k = 0; k < n; k++) {
                double expected = new BigDecimal(xs[k]).divide(new BigDecimal(scale), MathContext.DECIMAL128)
                        .doubleValue();
                if (Double.isInfinite(expected)) {
                    assertEquals(expected, out[k], "count " + count + " coeff " + k);
                } else {
                    double err = Math.abs(out[k] - expected);
                    assertTrue(err <= Math.abs(expected) * 0x1p-50, "count " + count + " coeff " + k + ": expected "
                            + expected + " but was " + out[k]);
                }
            }
        }
    }

    @Test
    void roundTripThroughEmbeddingReportsRoundingError() {
        int logN = 12;
        CanonicalEmbedding emb = new CanonicalEmbedding(logN);
        long[] q = primes(50, 2, logN);
        EncodingRns rns = new EncodingRns(q);
        Random rnd = new Random(SEED + 2);
        int n = emb.slots();
        double[] re = CanonicalEmbeddingTest.randomVector(rnd, n);
        double[] im = CanonicalEmbeddingTest.randomVector(rnd, n);
        for (double scale : new double[] {0x1p20, 0x1p30, 0x1p40}) {
            double[] coeffs = emb.encode(re, im);
            long[][] res = new long[2][2 * n];
            double rms = rns.scaleRoundInto(coeffs, scale, 2, res);
            // each rounding error is about uniform in [-1/2, 1/2]: rms ~ sqrt(N / 12) / scale
            double predicted = Math.sqrt(2.0 * n / 12) / scale;
            assertTrue(rms > 0.8 * predicted && rms < 1.2 * predicted, "rms " + rms + " vs " + predicted);
            double[] back = new double[2 * n];
            rns.crtInto(res, 2, scale, back);
            double[][] z = emb.decode(back);
            EncodingPrecision p = EncodingPrecision.of(re, im, z[0], z[1]);
            // the max over n slots of a complex Gaussian of std rms lies within a few rms
            assertTrue(p.maxError() < 6 * rms && p.maxError() > rms, "scale " + scale + ": " + p + " rms " + rms);
            assertTrue(p.minBits() > Math.log(scale) / Math.log(2) - 10, "scale " + scale + ": " + p);
        }
    }

    @Test
    void rejectsValuesThatWouldWrapAndBadArguments() {
        long[] q = primes(30, 2, 10);
        EncodingRns rns = new EncodingRns(q);
        long[][] out = new long[2][4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rns.scaleRoundInto(new double[] {0, 1, 2, 0x1p31}, 1.0, 1, out));
        assertTrue(e.getMessage().startsWith("coefficient 3 times the scale must be below Q/2 = 2^29.0 of the 1 moduli,"
                + " but was 2^31.0"), e.getMessage());
        rns.scaleRoundInto(new double[] {0, 1, 2, 0x1p31}, 1.0, 2, out); // fits in two primes
        assertThrows(IllegalArgumentException.class,
                () -> rns.scaleRoundInto(new double[] {0, Double.NaN, 0, 0}, 1.0, 2, out));
        assertThrows(IllegalArgumentException.class,
                () -> rns.scaleRoundInto(new double[] {0, 1e300, 0, 0}, 1e300, 2, out));
        assertThrows(IllegalArgumentException.class, () -> rns.scaleRoundInto(new double[4], 0.0, 2, out));
        assertThrows(IllegalArgumentException.class, () -> rns.scaleRoundInto(new double[4], 1.0, 3, out));
        assertThrows(IllegalArgumentException.class, () -> rns.scaleRoundInto(new double[5], 1.0, 2, out));
        assertThrows(IllegalArgumentException.class, () -> new EncodingRns(new long[] {q[0], q[1], q[0]}));
        assertThrows(IllegalArgumentException.class, () -> new EncodingRns(new long[] {1L << 62 | 1}));
        assertThrows(IllegalArgumentException.class, () -> new EncodingRns(new long[] {1024}));
    }

    @Test
    void recomposesTypicalSmallValuesQuickly() {
        // speed is printed, not asserted (the machine is shared); the values are asserted
        int n = 1 << 14;
        for (int count : new int[] {1, 3, 20}) {
            long[] q = primes(61, count, 14);
            EncodingRns rns = new EncodingRns(q);
            long[][] res = new long[count][n];
            long[] xs = new long[n];
            Random rnd = new Random(SEED);
            for (int k = 0; k < n; k++) {
                xs[k] = rnd.nextLong() >> 4; // a decrypted value: far below Q
                for (int i = 0; i < count; i++) {
                    res[i][k] = Math.floorMod(xs[k], q[i]);
                }
            }
            double[] out = new double[n];
            long best = Long.MAX_VALUE;
            for (int rep = 0; rep < 20; rep++) {
                long t0 = System.nanoTime();
                rns.crtInto(res, count, 0x1p40, out);
                best = Math.min(best, System.nanoTime() - t0);
            }
            for (int k = 0; k < n; k++) {
                assertEquals(xs[k] / 0x1p40, out[k], Math.abs(xs[k] / 0x1p40) * 0x1p-52, "coeff " + k);
            }
            System.out.printf("crtInto N=2^14 primes=%d: %.1f us%n", count, best / 1e3);
        }
    }
}
