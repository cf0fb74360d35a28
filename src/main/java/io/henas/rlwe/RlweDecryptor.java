package io.henas.rlwe;

import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;

/** Computes {@code c0 + c1*s (+ c2*s^2)} for a ciphertext of 2 or 3 polynomials. Thread-safe. */
public final class RlweDecryptor {
    private final RlweParameters params;
    private final Ring ring;
    private final SecretKey sk;
    private final RnsPoly s2;

    /** @param sk the secret key */
    public RlweDecryptor(SecretKey sk) {
        this.params = sk.params();
        this.ring = params.ring();
        this.sk = sk;
        this.s2 = ring.newPoly(params.maxLevel() + 1, true);
        for (int i = 0; i <= params.maxLevel(); i++) {
            ring.mulLimb(i, sk.poly().limb(i), sk.poly().limb(i), s2.limb(i));
        }
    }

    /** The parameters. */
    public RlweParameters params() {
        return params;
    }

    /**
     * Writes {@code sum_i c_i * s^i} into {@code out} (same limb count as the {@code c_i}, NTT form).
     */
    public void decrypt(RnsPoly[] c, RnsPoly out, Parallel par) {
        if (c.length < 2 || c.length > 3) {
            throw new IllegalArgumentException("a ciphertext has 2 or 3 polynomials, but got " + c.length);
        }
        int limbs = c[0].limbCount();
        par.forEach(limbs, i -> {
            long[] o = out.limb(i);
            ring.mulAddLimb(i, c[1].limb(i), sk.poly().limb(i), c[0].limb(i), o);
            if (c.length == 3) {
                ring.mulAddLimb(i, c[2].limb(i), s2.limb(i), o);
            }
        });
        out.setNtt(true);
    }
}
