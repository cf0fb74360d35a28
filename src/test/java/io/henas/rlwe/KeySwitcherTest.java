package io.henas.rlwe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
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
 * The fused key switch gives bit-identical results on any number of threads (which changes how the digits are
 * grouped and how the work is split) and equals the two-step decompose/apply path, with and without a Galois
 * permutation and with or without pooled work arrays. Its blocked inner product (for large rings) is bit-identical
 * to the unblocked one and to {@code apply(decompose(c))} for several ring degrees, levels, special-prime counts
 * {@code k} and digit sizes {@code alpha}, with blocks that do and do not divide {@code n}, and in place.
 */
class KeySwitcherTest {
    @Test
    void switchKeyIsIdenticalOnEveryThreadCountAndEqualsDecomposeApply() {
        long[] c = Primes.chain(10, 50, 40, 40, 40, 40, 55);
        RlweParameters p = RlweParameters.of(10, List.of(c[0], c[1], c[2], c[3], c[4]), c[5],
                Security.INSECURE_NO_BOUND);
        Ring ring = p.ring();
        KeyGenerator kg = new KeyGenerator(p, new Sampler());
        KeySwitchKey key = kg.relinKey(kg.secretKey()).key();
        KeySwitcher ks = new KeySwitcher(p);
        int[] perm = Automorphism.nttPermutation(10, Automorphism.rotationElement(10, 3));
        Sampler s = new Sampler();
        ScratchPool pool = new ScratchPool(p.n(), 200);
        for (int level = 0; level <= p.maxLevel(); level++) {
            RnsPoly x = ring.newPoly(level + 1, true);
            for (int i = 0; i <= level; i++) {
                s.uniform(ring.modulus(i), x.limb(i));
            }
            for (int[] pm : new int[][]{null, perm}) {
                RnsPoly refB = ring.newPoly(level + 1, true);
                RnsPoly refA = ring.newPoly(level + 1, true);
                Decomposition d = ks.decompose(x, Parallel.SEQUENTIAL);
                ks.apply(d, key, pm, refB, refA, Parallel.SEQUENTIAL);
                for (int threads = 1; threads <= 4; threads++) {
                    try (Parallel par = new Parallel(threads)) {
                        for (ScratchPool sp : new ScratchPool[]{null, pool}) {
                            RnsPoly b = ring.newPoly(level + 1, true);
                            RnsPoly a = ring.newPoly(level + 1, true);
                            ks.switchKey(x, key, pm, b, a, par, sp);
                            String what = "level " + level + ", threads " + threads + ", perm " + (pm != null)
                                    + ", pool " + (sp != null);
                            for (int i = 0; i <= level; i++) {
                                assertArrayEquals(refB.limb(i), b.limb(i), what + ", b limb " + i);
                                assertArrayEquals(refA.limb(i), a.limb(i), what + ", a limb " + i);
                            }
                            RnsPoly hb = ring.newPoly(level + 1, true);
                            RnsPoly ha = ring.newPoly(level + 1, true);
                            Decomposition dp = ks.decompose(x, par, sp);
                            ks.apply(dp, key, pm, hb, ha, par, sp);
                            if (sp != null) {
                                dp.release(sp);
                            }
                            for (int i = 0; i <= level; i++) {
                                assertArrayEquals(refB.limb(i), hb.limb(i), what + ", apply b limb " + i);
                                assertArrayEquals(refA.limb(i), ha.limb(i), what + ", apply a limb " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    /** (logN, data primes, special primes, alpha). */
    private record Shape(int logN, int dataPrimes, int k, int alpha) {
    }

    private static RlweParameters params(Shape s) {
        int[] bits = new int[s.dataPrimes() + s.k()];
        Arrays.fill(bits, 0, s.dataPrimes(), 40);
        bits[0] = 50;
        Arrays.fill(bits, s.dataPrimes(), bits.length, 55);
        long[] c = Primes.chain(s.logN(), bits);
        List<Long> q = new ArrayList<>();
        List<Long> p = new ArrayList<>();
        for (int i = 0; i < c.length; i++) {
            (i < s.dataPrimes() ? q : p).add(c[i]);
        }
        return RlweParameters.of(s.logN(), q, p, s.alpha(), Security.INSECURE_NO_BOUND);
    }

    @Test
    void blockedSwitchKeyEqualsUnblockedAndDecomposeApply() {
        Shape[] shapes = {new Shape(10, 5, 1, 1), new Shape(11, 6, 2, 2), new Shape(12, 4, 1, 1),
                new Shape(11, 7, 3, 3), new Shape(12, 5, 2, 1)};
        Sampler s = new Sampler();
        for (Shape shape : shapes) {
            RlweParameters p = params(shape);
            Ring ring = p.ring();
            KeyGenerator kg = new KeyGenerator(p, new Sampler());
            KeySwitchKey key = kg.relinKey(kg.secretKey()).key();
            KeySwitcher plain = new KeySwitcher(p).withBlock(0);
            int n = p.n();
            int[] perm = Automorphism.nttPermutation(shape.logN(), Automorphism.rotationElement(shape.logN(), 5));
            ScratchPool pool = new ScratchPool(n, 400);
            for (int level : new int[]{0, 1, p.maxLevel() / 2 + 1, p.maxLevel()}) {
                RnsPoly x = ring.newPoly(level + 1, true);
                for (int i = 0; i <= level; i++) {
                    s.uniform(ring.modulus(i), x.limb(i));
                }
                for (int[] pm : new int[][]{null, perm}) {
                    RnsPoly refB = ring.newPoly(level + 1, true);
                    RnsPoly refA = ring.newPoly(level + 1, true);
                    plain.switchKey(x, key, pm, refB, refA, Parallel.SEQUENTIAL, null);
                    RnsPoly decB = ring.newPoly(level + 1, true);
                    RnsPoly decA = ring.newPoly(level + 1, true);
                    plain.apply(plain.decompose(x, Parallel.SEQUENTIAL), key, pm, decB, decA, Parallel.SEQUENTIAL);
                    String base = shape + ", level " + level + ", perm " + (pm != null);
                    assertSame(refB, refA, decB, decA, level, base + ", apply(decompose)");
                    for (int block : new int[]{n / 4, 96, n, 4 * n}) {
                        KeySwitcher ks = plain.withBlock(block);
                        for (int threads = 1; threads <= 2; threads++) {
                            try (Parallel par = new Parallel(threads)) {
                                for (ScratchPool sp : new ScratchPool[]{null, pool}) {
                                    String what = base + ", block " + block + ", threads " + threads + ", pool "
                                            + (sp != null);
                                    RnsPoly b = ring.newPoly(level + 1, true);
                                    RnsPoly a = ring.newPoly(level + 1, true);
                                    ks.switchKey(x, key, pm, b, a, par, sp);
                                    assertSame(refB, refA, b, a, level, what);
                                    // in place: the output b is the input itself
                                    RnsPoly y = x.copy();
                                    RnsPoly a2 = ring.newPoly(level + 1, true);
                                    ks.switchKey(y, key, pm, y, a2, par, sp);
                                    assertSame(refB, refA, y, a2, level, what + ", in place");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void assertSame(RnsPoly refB, RnsPoly refA, RnsPoly b, RnsPoly a, int level, String what) {
        assertEquals(level + 1, b.limbCount(), what);
        for (int i = 0; i <= level; i++) {
            assertArrayEquals(refB.limb(i), b.limb(i), what + ", b limb " + i);
            assertArrayEquals(refA.limb(i), a.limb(i), what + ", a limb " + i);
        }
    }

    @Test
    void largeRingsAreBlockedByDefaultAndSmallOnesAreNot() {
        assertEquals(0, KeySwitcher.defaultBlock(1 << 14));
        assertNotEquals(0, KeySwitcher.defaultBlock(1 << 15));
        assertNotEquals(0, KeySwitcher.defaultBlock(1 << 16));
        RlweParameters p = params(new Shape(10, 3, 1, 1));
        assertEquals(0, new KeySwitcher(p).block());
        assertEquals(128, new KeySwitcher(p).withBlock(128).block());
        assertThrows(IllegalArgumentException.class, () -> new KeySwitcher(p).withBlock(-1));
    }
}
