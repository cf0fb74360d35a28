package io.henas.ckks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.henas.ring.Automorphism;
import io.henas.ring.Modulus;
import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.ScratchPool;
import io.henas.rlwe.Decomposition;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeySwitchKey;
import io.henas.rlwe.KeySwitcher;

/**
 * The rotation family of {@link Evaluator} (rotate, conjugate, hoisted rotations): Galois automorphisms followed by
 * a key switch with the matching Galois key. Shares the evaluator's pool, scratch arrays and key switcher.
 */
final class GaloisOps {
    private final Evaluator ev;
    private final CkksParameters params;
    private final EvaluationKeys keys;
    private final Ring ring;
    private final int n;
    private final Parallel par;
    private final KeySwitcher switcher;
    private final ScratchPool pool;
    private final Map<Long, int[]> perms = new ConcurrentHashMap<>();

    GaloisOps(Evaluator ev) {
        this.ev = ev;
        this.params = ev.params;
        this.keys = ev.keys;
        this.ring = ev.ring;
        this.n = ev.n;
        this.par = ev.par;
        this.switcher = ev.switcher;
        this.pool = ev.pool;
    }

    private long rotationElement(int k) {
        return ev.rotationElement(k);
    }

    private void checkParams(Ciphertext c, String name) {
        ev.checkParams(c, name);
    }

    private static void checkSize2(Ciphertext c, String op) {
        Evaluator.checkSize2(c, op);
    }

    private RnsPoly[] newPolys(int count, int limbs) {
        // results of rotations: the key switch and the final addition overwrite every coefficient
        return ev.newPolys(count, limbs, false);
    }

    private RnsPoly[] target(Ciphertext out, int size, int limbs) {
        return ev.target(out, size, limbs);
    }

    private static RnsPoly[] polys(Ciphertext c) {
        return Evaluator.polys(c);
    }

    /**
     * Rotates the slots left by {@code k}: slot {@code i + k} moves to slot {@code i} (indices mod N/2; negative
     * {@code k} rotates right). Needs the Galois key of {@code 5^k mod 2N}.
     */
    Ciphertext rotate(Ciphertext a, int k) {
        return applyGalois(a, rotationElement(k), "rotation by " + k);
    }

    /** Complex conjugation of every slot (needs the conjugation key). */
    Ciphertext conjugate(Ciphertext a) {
        return applyGalois(a, Automorphism.conjugationElement(params.logN()), "conjugation");
    }

    /**
     * Several rotations of one ciphertext sharing one key-switching decomposition (hoisting): much cheaper than
     * separate {@link #rotate} calls. Returns one ciphertext per step, in order; equal to {@code rotate(a, k)}
     * up to the fresh key-switching noise.
     */
    Ciphertext[] rotateHoisted(Ciphertext a, int... steps) {
        return rotateHoisted(a, steps, null);
    }

    /**
     * As {@link #rotateHoisted(Ciphertext, int...)}, calling {@code beforeStep.accept(s)} (if not null) after the
     * shared decomposition and before rotation {@code s} is computed, so a caller can time the decomposition and each
     * rotation apart. Every step's key is looked up before any work is done.
     */
    Ciphertext[] rotateHoisted(Ciphertext a, int[] steps, java.util.function.IntConsumer beforeStep) {
        checkParams(a, "a");
        checkSize2(a, "rotate");
        KeySwitchKey[] keys = new KeySwitchKey[steps.length];
        long[] elements = new long[steps.length];
        boolean any = false;
        for (int s = 0; s < steps.length; s++) {
            elements[s] = rotationElement(steps[s]);
            if (elements[s] != 1) {
                keys[s] = galoisKey(elements[s], "rotation by " + steps[s], a.level());
                any = true;
            }
        }
        Decomposition d = any ? switcher.decompose(a.poly(1), par, pool) : null;
        Ciphertext[] out = new Ciphertext[steps.length];
        for (int s = 0; s < steps.length; s++) {
            if (beforeStep != null) {
                beforeStep.accept(s);
            }
            if (keys[s] == null) {
                out[s] = a.copy();
                continue;
            }
            out[s] = new Ciphertext(params, a.scale(), newPolys(2, a.level() + 1));
            finishGalois(a, d, keys[s], elements[s], out[s]);
        }
        if (d != null) {
            d.release(pool);
        }
        return out;
    }

    private Ciphertext applyGalois(Ciphertext a, long g, String what) {
        Ciphertext out = new Ciphertext(params, a.scale(), newPolys(2, a.level() + 1));
        applyGaloisInto(a, g, what, out);
        return out;
    }

    /** {@code out = rotate(a, k)} ({@code out} may be {@code a}; its polynomials are reused when shaped alike). */
    void rotateInto(Ciphertext a, int k, Ciphertext out) {
        applyGaloisInto(a, rotationElement(k), "rotation by " + k, out);
    }

    /** {@code out = conjugate(a)}. */
    void conjugateInto(Ciphertext a, Ciphertext out) {
        applyGaloisInto(a, Automorphism.conjugationElement(params.logN()), "conjugation", out);
    }

    private void applyGaloisInto(Ciphertext a, long g, String what, Ciphertext out) {
        checkParams(a, "a");
        checkSize2(a, what);
        if (g == 1) {
            if (out != a) {
                out.set(a.scale(), polys(a.copy()));
            }
            return;
        }
        KeySwitchKey key = galoisKey(g, what, a.level());
        finishGalois(a, null, key, g, out);
    }

    private KeySwitchKey galoisKey(long g, String what, int level) {
        KeySwitchKey key = keys == null ? null : keys.galoisKeys().get(g);
        if (key == null) {
            throw new IllegalStateException(what + " needs the Galois key for element " + g
                    + ", but the evaluation keys do not hold it");
        }
        if (key.level() < level) {
            throw new IllegalArgumentException(what + " at level " + level + " needs a Galois key (element " + g
                    + ") of level >= " + level + ", but the key only reaches level " + key.level());
        }
        return key;
    }

    /**
     * Applies Galois element g with its key; {@code d} is a shared decomposition of c1 (hoisting) or null. In place
     * ({@code out == a}, as in {@code rotateInto(a, k, a)}) nothing is allocated: the key switch reads c1 completely
     * before it writes its second output into c1's own limbs, and the first output goes to a pooled polynomial that
     * is added to the permuted c0 and copied back limb by limb.
     */
    private void finishGalois(Ciphertext a, Decomposition d, KeySwitchKey key, long g, Ciphertext out) {
        int[] perm = perms.computeIfAbsent(g, e -> Automorphism.nttPermutation(params.logN(), e));
        int limbs = a.level() + 1;
        boolean inPlace = out == a && d == null;
        RnsPoly c0 = a.poly(0);
        RnsPoly b;
        RnsPoly ak;
        if (inPlace) {
            b = ev.pooled(limbs);
            ak = a.poly(1);
        } else {
            // the key switch writes its outputs before c0 is read: never write into a's own polynomials
            RnsPoly[] res = out != a ? target(out, 2, limbs) : newPolys(2, limbs);
            b = res[0];
            ak = res[1];
        }
        if (d == null) {
            // permute c1 once (l + 1 gathers) and switch the permuted polynomial, instead of permuting every
            // extended digit modulo every target inside the key switch ((l + 1 + k) x dnum gathers: 240 at logN 15
            // with SEAL's chain, about 4% of a rotation); b holds perm(c1) and is then overwritten by the switch. The
            // switch's centred digit lifts keep this as precise as permuting after the lift.
            RnsPoly c1 = a.poly(1);
            par.forEach(limbs, i -> Automorphism.permute(c1.limb(i), perm, b.limb(i)));
            b.setNtt(true);
            switcher.switchKey(b, key, null, b, ak, par, pool);
        } else {
            switcher.apply(d, key, perm, b, ak, par, pool);
        }
        par.forEach(limbs, i -> {
            long[] src = c0.limb(i);
            long[] dst = b.limb(i);
            long q = ring.modulus(i).value();
            for (int k = 0; k < n; k++) {
                long s = dst[k] + src[perm[k]];
                dst[k] = Modulus.csub(s, q);
            }
            if (inPlace) {
                System.arraycopy(dst, 0, src, 0, n);
            }
        });
        if (inPlace) {
            ev.release(b);
            out.set(a.scale(), c0, ak);
        } else {
            out.set(a.scale(), b, ak);
        }
    }
}
