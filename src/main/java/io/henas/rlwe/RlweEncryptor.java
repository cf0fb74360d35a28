package io.henas.rlwe;

import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.Sampler;

/**
 * Produces RLWE encryptions of zero at a level, with the public key ({@code (b*u + e0, a*u + e1)}, {@code u}
 * ternary) or the secret key ({@code (-a*s + e, a)}, {@code a} uniform). Not thread-safe (owns a sampler).
 */
public final class RlweEncryptor {
    private final RlweParameters params;
    private final Ring ring;
    private final PublicKey pk;
    private final SecretKey sk;
    private final Sampler sampler;

    private RlweEncryptor(RlweParameters params, PublicKey pk, SecretKey sk, Sampler sampler) {
        this.params = params;
        this.ring = params.ring();
        this.pk = pk;
        this.sk = sk;
        this.sampler = sampler;
    }

    /** Public-key encryption. */
    public static RlweEncryptor ofPublicKey(PublicKey pk, Sampler sampler) {
        return new RlweEncryptor(pk.params(), pk, null, sampler);
    }

    /** Secret-key encryption (smaller noise). */
    public static RlweEncryptor ofSecretKey(SecretKey sk, Sampler sampler) {
        return new RlweEncryptor(sk.params(), null, sk, sampler);
    }

    /** The parameters. */
    public RlweParameters params() {
        return params;
    }

    /**
     * Writes a fresh encryption of zero into {@code c0, c1} (each {@code level + 1} limbs; NTT form on return).
     */
    public void encryptZero(int level, RnsPoly c0, RnsPoly c1, Parallel par) {
        if (level < 0 || level > params.maxLevel()) {
            throw new IllegalArgumentException("level must be in [0, " + params.maxLevel() + "], but was " + level);
        }
        int limbs = level + 1;
        if (c0.limbCount() != limbs || c1.limbCount() != limbs) {
            throw new IllegalArgumentException("outputs must have " + limbs + " limbs");
        }
        int n = params.n();
        if (pk != null) {
            RnsPoly u = ring.newPoly(limbs, false);
            ring.setSmall(sampler.ternary(n), u);
            ring.setSmall(sampler.gaussian(n), c0);
            ring.setSmall(sampler.gaussian(n), c1);
            ring.toNtt(u, par);
            ring.toNtt(c0, par);
            ring.toNtt(c1, par);
            par.forEach(limbs, i -> {
                ring.mulAddLimb(i, pk.b().limb(i), u.limb(i), c0.limb(i));
                ring.mulAddLimb(i, pk.a().limb(i), u.limb(i), c1.limb(i));
            });
        } else {
            ring.setSmall(sampler.gaussian(n), c0);
            ring.toNtt(c0, par);
            for (int i = 0; i < limbs; i++) {
                sampler.uniform(ring.modulus(i), c1.limb(i));
            }
            c1.setNtt(true);
            long[] t = new long[n];
            for (int i = 0; i < limbs; i++) {
                ring.mulLimb(i, c1.limb(i), sk.poly().limb(i), t);
                ring.subLimb(i, c0.limb(i), t, c0.limb(i));
            }
        }
    }
}
