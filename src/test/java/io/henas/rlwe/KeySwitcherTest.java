package io.henas.rlwe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
 * permutation and with or without pooled work arrays.
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
}
