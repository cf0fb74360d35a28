package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RingTest {
    @Test
    void roundedCoefficientsRoundTripThroughCrt() {
        Ring ring = new Ring(6, Primes.chain(6, 50, 40, 40, 45));
        int n = ring.n();
        SplittableRandom r = new SplittableRandom(1);
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            double mag = Math.scalb(1.0, r.nextInt(0, 150));
            v[k] = (r.nextDouble() * 2 - 1) * mag;
        }
        v[0] = 0;
        v[1] = -0.5000001;
        v[2] = 0x1p100;
        v[3] = -0x1.fffffffffffffp120;
        RnsPoly p = ring.newPoly(4, false);
        ring.setRounded(v, p);
        BigInteger[] exact = ring.toCenteredBigIntegers(p);
        double[] approx = new double[n];
        ring.toCenteredDoubles(p, approx);
        for (int k = 0; k < n; k++) {
            BigInteger want = new BigDecimal(Math.rint(v[k])).toBigInteger();
            assertEquals(want, exact[k], "coefficient " + k);
            assertEquals(Math.rint(v[k]), approx[k], Math.abs(v[k]) * 0x1p-50, "coefficient " + k);
        }
        // NTT round trip keeps the value
        ring.toNtt(p, Parallel.SEQUENTIAL);
        ring.toCoeff(p, Parallel.SEQUENTIAL);
        assertEquals(exact[5], ring.toCenteredBigIntegers(p)[5]);
    }

    @Test
    void rejectsNonFiniteCoefficients() {
        Ring ring = new Ring(3, Primes.chain(3, 30));
        double[] v = new double[8];
        v[4] = Double.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> ring.setRounded(v, ring.newPoly(1, false)));
        assertEquals("coefficient 4 must be finite, but was NaN", e.getMessage());
    }

    @Test
    void samplersStayInRange() {
        Sampler s = new Sampler();
        int[] t = s.ternary(10000);
        int[] counts = new int[3];
        for (int x : t) {
            counts[x + 1]++;
        }
        for (int c : counts) {
            assertEquals(3333, c, 300);
        }
        int[] g = s.gaussian(20000);
        double var = 0;
        for (int x : g) {
            assertEquals(0, x, Sampler.BOUND);
            var += x * (double) x;
        }
        assertEquals(Sampler.SIGMA * Sampler.SIGMA, var / g.length, 0.6);
        Modulus m = new Modulus(Primes.chain(4, 40)[0]);
        long[] u = new long[1000];
        s.uniform(m, u);
        for (long x : u) {
            assertEquals(true, x >= 0 && x < m.value());
        }
    }
}
