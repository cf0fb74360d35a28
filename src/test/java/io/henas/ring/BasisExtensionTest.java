package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BasisExtension}: the approximate extension is the value plus a multiple of M below |S|, and the centred one
 * is exactly the residue of the representative in (-M/2, M/2], with one source prime (a comparison) and several
 * (overflow counts), for targets larger and smaller than the source primes.
 */
class BasisExtensionTest {
    private static final int LOG_N = 3;

    /** Source primes 0..size-1 of the ring; targets are all other primes (some larger, some smaller). */
    private static Ring ring() {
        // 40 and 41 bits: one-prime sources between q and 2q of their target
        return new Ring(LOG_N, Primes.chain(LOG_N, 40, 45, 35, 50, 30, 61, 41));
    }

    private static BigInteger product(Ring ring, int s0, int s1) {
        BigInteger m = BigInteger.ONE;
        for (int s = s0; s < s1; s++) {
            m = m.multiply(BigInteger.valueOf(ring.modulus(s).value()));
        }
        return m;
    }

    /** Residues of x modulo source primes s0..s1-1, prepared. */
    private static long[][] prepared(Ring ring, BasisExtension ext, int s0, int s1, BigInteger[] xs) {
        int n = xs.length;
        long[][] y = new long[s1 - s0][n];
        for (int s = s0; s < s1; s++) {
            long[] r = new long[n];
            for (int k = 0; k < n; k++) {
                r[k] = xs[k].mod(BigInteger.valueOf(ring.modulus(s).value())).longValue();
            }
            ext.prepare(s, r, y[s - s0]);
        }
        return y;
    }

    /** Values in [0, M) including the edges 0, M/2, M/2 + 1 and M - 1, and values near M/2 and far from it. */
    private static BigInteger[] values(BigInteger m, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BigInteger[] xs = new BigInteger[n];
        BigInteger half = m.shiftRight(1);
        BigInteger[] edges = {BigInteger.ZERO, half, half.add(BigInteger.ONE), m.subtract(BigInteger.ONE)};
        for (int k = 0; k < n; k++) {
            xs[k] = k < edges.length ? edges[k]
                    : new BigInteger(m.bitLength() + 8, new java.util.Random(r.nextLong())).mod(m);
        }
        return xs;
    }

    @Test
    void centredExtensionIsTheResidueOfTheCentredRepresentative() {
        Ring ring = ring();
        int n = ring.n();
        for (int[] src : new int[][]{{0, 1}, {1, 2}, {3, 4}, {6, 7}, {0, 2}, {1, 4}}) {
            int s0 = src[0];
            int s1 = src[1];
            BasisExtension ext = new BasisExtension(ring, s0, s1);
            BigInteger m = product(ring, s0, s1);
            BigInteger half = m.shiftRight(1);
            BigInteger[] xs = values(m, n, 7 + s0 + 10L * s1);
            long[][] y = prepared(ring, ext, s0, s1, xs);
            long[] v = null;
            if (s1 - s0 > 1) {
                v = new long[n];
                ext.overflow(y, v, 0, n);
            }
            for (int t = 0; t < ring.size(); t++) {
                if (t >= s0 && t < s1) {
                    continue;
                }
                BigInteger mt = BigInteger.valueOf(ring.modulus(t).value());
                long[] approx = new long[n];
                long[] centred = new long[n];
                ext.extend(y, t, approx, 0, n);
                ext.extendCentered(y, v, t, centred, 0, n);
                // with several source primes the overflow is computed in floating point: within a few ulps of M
                // of M/2 either representative may come out (documented); one source prime is exact
                BigInteger tolerance = s1 - s0 == 1 ? BigInteger.ZERO : m.shiftRight(40);
                for (int k = 0; k < n; k++) {
                    BigInteger c = xs[k].compareTo(half) > 0 ? xs[k].subtract(m) : xs[k];
                    if (xs[k].subtract(half).abs().compareTo(tolerance) <= 0 && s1 - s0 > 1) {
                        assertTrue(centred[k] == xs[k].mod(mt).longValue()
                                || centred[k] == xs[k].subtract(m).mod(mt).longValue(), "near M/2: " + xs[k]);
                        continue;
                    }
                    assertEquals(c.mod(mt).longValue(), centred[k], "source [" + s0 + ", " + s1 + ") target " + t
                            + " value " + xs[k]);
                    // approximate: x + u*M for some 0 <= u < |S|
                    boolean found = false;
                    for (int u = 0; u < s1 - s0; u++) {
                        found |= xs[k].add(m.multiply(BigInteger.valueOf(u))).mod(mt).longValue() == approx[k];
                    }
                    assertTrue(found, "approximate extension of " + xs[k] + " to target " + t);
                }
            }
        }
    }

    @Test
    void severalSourcePrimesNeedOverflowCounts() {
        Ring ring = ring();
        BasisExtension ext = new BasisExtension(ring, 0, 2);
        long[][] y = new long[2][ring.n()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ext.extendCentered(y, null, 3, new long[ring.n()], 0, ring.n()));
        assertTrue(e.getMessage().contains("overflow counts"), e.getMessage());
    }
}
