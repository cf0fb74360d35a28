package io.henas.rlwe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.ring.Automorphism;
import io.henas.ring.Parallel;
import io.henas.ring.Primes;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.Sampler;
import io.henas.ring.ScratchPool;

/**
 * Hybrid key switching for several (special primes k, digit size alpha): the switched pair decrypts to
 * {@code c * s'} up to a small error, measured exactly (big integers) and printed in bits; the fused, two-step and
 * multi-threaded paths agree bit for bit; keys restricted to a level work below it and are refused above it.
 */
class HybridKeySwitchTest {

    /** A configuration: data prime and special prime bit sizes, digit size. */
    record Config(int logN, int[] qBits, int[] pBits, int alpha, Security security) {
        RlweParameters params() {
            int[] all = new int[qBits.length + pBits.length];
            System.arraycopy(qBits, 0, all, 0, qBits.length);
            System.arraycopy(pBits, 0, all, qBits.length, pBits.length);
            long[] c = Primes.chain(logN, all);
            List<Long> q = new ArrayList<>();
            List<Long> p = new ArrayList<>();
            for (int i = 0; i < c.length; i++) {
                (i < qBits.length ? q : p).add(c[i]);
            }
            return RlweParameters.of(logN, q, p, alpha, security);
        }

        @Override
        public String toString() {
            return "logN=" + logN + " q=" + java.util.Arrays.toString(qBits) + " p=" + java.util.Arrays.toString(pBits)
                    + " alpha=" + alpha;
        }
    }

    static final int[] Q5 = {50, 40, 40, 40, 40};

    static List<Config> configs() {
        Security in = Security.INSECURE_NO_BOUND;
        return List.of(
                new Config(10, Q5, new int[]{55}, 1, in),                 // SEAL's scheme
                new Config(10, Q5, new int[]{50, 50}, 2, in),             // k = alpha = 2
                new Config(10, Q5, new int[]{50, 50}, 1, in),             // k = 2, alpha = 1
                new Config(10, Q5, new int[]{50, 50, 50}, 3, in),         // k = alpha = 3
                new Config(10, new int[]{30, 25}, new int[]{60}, 2, in),  // one digit (alpha = L + 1)
                new Config(10, Q5, new int[]{45, 45}, 5, in),             // one digit, P smaller than Q: noisy
                new Config(13, new int[]{31, 26, 26, 26, 26, 26}, new int[]{28, 28}, 2, Security.HE_STANDARD_128));
    }

    /** log2 of the largest |b + a*s - c*s'| over the coefficients at level l (exact, big integers). */
    static double noiseBits(RlweParameters p, SecretKey sk, RnsPoly sPrime, RnsPoly c, RnsPoly b, RnsPoly a) {
        Ring ring = p.ring();
        int limbs = c.limbCount();
        RnsPoly e = ring.newPoly(limbs, true);
        long[] t = new long[p.n()];
        for (int i = 0; i < limbs; i++) {
            ring.mulLimb(i, a.limb(i), sk.poly().limb(i), e.limb(i));
            ring.addLimb(i, e.limb(i), b.limb(i), e.limb(i));
            ring.mulLimb(i, c.limb(i), sPrime.limb(i), t);
            ring.subLimb(i, e.limb(i), t, e.limb(i));
        }
        ring.toCoeff(e, Parallel.SEQUENTIAL);
        BigInteger max = BigInteger.ZERO;
        for (BigInteger v : ring.toCenteredBigIntegers(e)) {
            max = max.max(v.abs());
        }
        return max.signum() == 0 ? 0 : Math.log(max.doubleValue()) / Math.log(2);
    }

    static RnsPoly randomPoly(RlweParameters p, int level, Sampler s) {
        RnsPoly x = p.ring().newPoly(level + 1, true);
        for (int i = 0; i <= level; i++) {
            s.uniform(p.ring().modulus(i), x.limb(i));
        }
        return x;
    }

    /** log2 of a generous bound on the key-switching error: sum over digits of |digit * e| / P, plus rounding. */
    static double boundBits(RlweParameters p, int level) {
        int alpha = p.digitSize();
        double digitBits = 0;
        for (int j = 0; j <= level; j += alpha) {
            double b = 0;
            for (int i = j; i <= Math.min(level, j + alpha - 1); i++) {
                b += Math.log(p.q(i)) / Math.log(2);
            }
            digitBits = Math.max(digitBits, b);
        }
        double dnum = p.digitCount(level);
        // |digit| < (alpha + 1) * Q_j, |e| <= 6 sigma, N terms per coefficient product; rounding: |s|_1 <= N
        double ks = digitBits + Math.log(dnum * (alpha + 1) * 6 * 3.2 * p.n()) / Math.log(2) - p.specialBits() + 1;
        return Math.log(Math.pow(2, ks) + p.n() + p.specialPrimeCount() * p.n()) / Math.log(2);
    }

    @Test
    void relinearizationAndGaloisKeysSwitchWithSmallNoiseForEveryConfiguration() {
        for (Config cfg : configs()) {
            RlweParameters p = cfg.params();
            KeyGenerator kg = new KeyGenerator(p, new Sampler());
            SecretKey sk = kg.secretKey();
            Ring ring = p.ring();
            RnsPoly s2 = ring.newPoly(ring.size(), true);
            for (int i = 0; i < ring.size(); i++) {
                ring.mulLimb(i, sk.poly().limb(i), sk.poly().limb(i), s2.limb(i));
            }
            KeySwitchKey rlk = kg.relinKey(sk).key();
            long g = Automorphism.rotationElement(p.logN(), 1);
            KeySwitchKey gk = kg.galoisKey(sk, g);
            int[] perm = Automorphism.nttPermutation(p.logN(), g);
            RnsPoly sg = ring.newPoly(ring.size(), true);
            for (int i = 0; i < ring.size(); i++) {
                Automorphism.permute(sk.poly().limb(i), perm, sg.limb(i));
            }
            KeySwitcher ks = new KeySwitcher(p);
            Sampler s = new Sampler();
            StringBuilder line = new StringBuilder(String.format("key-switch noise %-52s logP=%3d maxDigit=%3d:",
                    cfg, p.specialBits(), p.maxDigitBits()));
            for (int level = p.maxLevel(); level >= 0; level -= Math.max(1, p.maxLevel())) {
                RnsPoly c = randomPoly(p, level, s);
                RnsPoly b = ring.newPoly(level + 1, true);
                RnsPoly a = ring.newPoly(level + 1, true);
                ks.switchKey(c, rlk, b, a, Parallel.SEQUENTIAL);
                double relin = noiseBits(p, sk, s2, c, b, a);
                // a Galois key through the hoisted path: the permuted digits switch sigma_g(c) from sigma_g(s)
                Decomposition d = ks.decompose(c, Parallel.SEQUENTIAL);
                ks.apply(d, gk, perm, b, a, Parallel.SEQUENTIAL);
                RnsPoly cg = ring.newPoly(level + 1, true);
                for (int i = 0; i <= level; i++) {
                    Automorphism.permute(c.limb(i), perm, cg.limb(i));
                }
                double rot = noiseBits(p, sk, sg, cg, b, a);
                double bound = boundBits(p, level);
                line.append(String.format(" level %d: relin %.1f, rotate %.1f bits (bound %.1f, logQ_l %d);", level,
                        relin, rot, bound, logQ(p, level)));
                assertTrue(relin <= bound && rot <= bound, cfg + " level " + level + ": noise " + relin + " / " + rot
                        + " bits above the bound " + bound);
            }
            System.out.println(line);
        }
    }

    static int logQ(RlweParameters p, int level) {
        int bits = 0;
        for (int i = 0; i <= level; i++) {
            bits += 64 - Long.numberOfLeadingZeros(p.q(i));
        }
        return bits;
    }

    @Test
    void fusedTwoStepAndThreadedPathsAgreeBitForBit() {
        Sampler s = new Sampler();
        for (Config cfg : configs().subList(0, 5)) {
            RlweParameters p = cfg.params();
            KeyGenerator kg = new KeyGenerator(p, new Sampler());
            KeySwitchKey key = kg.relinKey(kg.secretKey()).key();
            KeySwitcher ks = new KeySwitcher(p);
            Ring ring = p.ring();
            int[] perm = Automorphism.nttPermutation(p.logN(), Automorphism.rotationElement(p.logN(), 3));
            ScratchPool pool = new ScratchPool(p.n(), 400);
            for (int level = 0; level <= p.maxLevel(); level++) {
                RnsPoly x = randomPoly(p, level, s);
                for (int[] pm : new int[][]{null, perm}) {
                    RnsPoly refB = ring.newPoly(level + 1, true);
                    RnsPoly refA = ring.newPoly(level + 1, true);
                    ks.apply(ks.decompose(x, Parallel.SEQUENTIAL), key, pm, refB, refA, Parallel.SEQUENTIAL);
                    for (int threads = 1; threads <= 3; threads++) {
                        try (Parallel par = new Parallel(threads)) {
                            RnsPoly b = ring.newPoly(level + 1, true);
                            RnsPoly a = ring.newPoly(level + 1, true);
                            ks.switchKey(x, key, pm, b, a, par, pool);
                            RnsPoly hb = ring.newPoly(level + 1, true);
                            RnsPoly ha = ring.newPoly(level + 1, true);
                            Decomposition d = ks.decompose(x, par, pool);
                            ks.apply(d, key, pm, hb, ha, par, pool);
                            d.release(pool);
                            String what = cfg + " level " + level + " threads " + threads + " perm " + (pm != null);
                            for (int i = 0; i <= level; i++) {
                                assertArrayEquals(refB.limb(i), b.limb(i), what + ", fused b limb " + i);
                                assertArrayEquals(refA.limb(i), a.limb(i), what + ", fused a limb " + i);
                                assertArrayEquals(refB.limb(i), hb.limb(i), what + ", apply b limb " + i);
                                assertArrayEquals(refA.limb(i), ha.limb(i), what + ", apply a limb " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void keysAtALevelSwitchBelowItAndAreRefusedAbove() {
        for (Config cfg : List.of(configs().get(0), configs().get(1), configs().get(3))) {
            RlweParameters p = cfg.params();
            KeyGenerator kg = new KeyGenerator(p, new Sampler());
            SecretKey sk = kg.secretKey();
            Ring ring = p.ring();
            RnsPoly s2 = ring.newPoly(ring.size(), true);
            for (int i = 0; i < ring.size(); i++) {
                ring.mulLimb(i, sk.poly().limb(i), sk.poly().limb(i), s2.limb(i));
            }
            KeySwitcher ks = new KeySwitcher(p);
            Sampler s = new Sampler();
            for (int keyLevel = 0; keyLevel < p.maxLevel(); keyLevel++) {
                KeySwitchKey key = kg.relinKey(sk, keyLevel).key();
                assertEquals(keyLevel, key.level());
                assertEquals(p.digitCount(keyLevel), key.digits());
                assertEquals(keyLevel + 1 + p.specialPrimeCount(), key.b(0).limbCount());
                assertEquals(KeySwitchKey.byteSize(p, keyLevel), 2L * key.digits() * key.b(0).limbCount() * p.n() * 8);
                assertTrue(KeySwitchKey.byteSize(p, keyLevel) < KeySwitchKey.byteSize(p, p.maxLevel()));
                for (int level = 0; level <= keyLevel; level++) {
                    RnsPoly c = randomPoly(p, level, s);
                    RnsPoly b = ring.newPoly(level + 1, true);
                    RnsPoly a = ring.newPoly(level + 1, true);
                    ks.switchKey(c, key, b, a, Parallel.SEQUENTIAL);
                    double bits = noiseBits(p, sk, s2, c, b, a);
                    assertTrue(bits <= boundBits(p, level), cfg + " key level " + keyLevel + " at level " + level
                            + ": " + bits + " bits");
                }
                int above = keyLevel + 1;
                RnsPoly c = randomPoly(p, above, s);
                RnsPoly b = ring.newPoly(above + 1, true);
                RnsPoly a = ring.newPoly(above + 1, true);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ks.switchKey(c, key, b, a, Parallel.SEQUENTIAL));
                assertEquals("key switching at level " + above + " needs a key of level >= " + above
                        + ", but the key only reaches level " + keyLevel, e.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> ks.apply(ks.decompose(c, Parallel.SEQUENTIAL), key, null, b, a, Parallel.SEQUENTIAL));
            }
        }
    }

    @Test
    void parametersValidateSpecialPrimesAndDigitSize() {
        long[] c = Primes.chain(10, 50, 40, 40, 50, 50);
        List<Long> q = List.of(c[0], c[1], c[2]);
        Security in = Security.INSECURE_NO_BOUND;
        RlweParameters p = RlweParameters.of(10, q, List.of(c[3], c[4]), 2, in);
        assertEquals(2, p.specialPrimeCount());
        assertEquals(c[4], p.p(1));
        assertArrayEquals(new long[]{c[3], c[4]}, p.ps());
        assertEquals(2, p.digitSize());
        assertEquals(1, p.digitCount(0));
        assertEquals(1, p.digitCount(1));
        assertEquals(2, p.digitCount(2));
        assertEquals(50 + 40 + 40 + 50 + 50, p.logQP());
        assertTrue(RlweParameters.of(10, q, c[3], in).isSealScheme());
        // SEAL's scheme keeps its id; another scheme over the same primes does not share it
        assertEquals(RlweParameters.of(10, q, c[3], in).id(), RlweParameters.of(10, q, List.of(c[3]), 1, in).id());
        assertTrue(!p.id().equals(RlweParameters.of(10, q, List.of(c[3], c[4]), 1, in).id()));
        assertTrue(!p.equals(RlweParameters.of(10, q, List.of(c[3], c[4]), 1, in)));
        var e = assertThrows(IllegalArgumentException.class, () -> RlweParameters.of(10, q, List.of(c[3]), 4, in));
        assertEquals("digitSize (data primes per key-switching digit) must be in [1, 3] (1 to the number of data "
                + "primes), but was 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RlweParameters.of(10, q, List.of(c[3]), 0, in));
        assertTrue(e.getMessage().endsWith("but was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RlweParameters.of(10, q, List.of(), 1, in));
        assertTrue(e.getMessage().startsWith("the special primes p must be 1 to 16 primes, but were 0"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RlweParameters.of(10, q, List.of(c[3], c[1]), 1, in));
        assertEquals("primes must be distinct, but p[1] = q[1] = " + c[1], e.getMessage());
        // the special primes count against the 128-bit bound
        long[] s = Primes.chain(13, 60, 40, 40, 40, 40);
        e = assertThrows(IllegalArgumentException.class, () -> RlweParameters.of(13, List.of(s[0], s[1], s[2]),
                List.of(s[3], s[4]), 1, Security.HE_STANDARD_128));
        assertTrue(e.getMessage().startsWith("log2(QP) must be at most 218 bits for 128-bit security at logN=13, "
                + "but was 220"), e.getMessage());
    }
}
