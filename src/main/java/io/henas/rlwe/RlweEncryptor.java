package io.henas.rlwe;

import io.henas.ring.Modulus;
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

    /** Small signed integers modulo the ring's prime {@code mi}. */
    private void setSmall(int[] values, int mi, long[] out) {
        long q = ring.modulus(mi).value();
        for (int k = 0; k < out.length; k++) {
            out[k] = Modulus.cadd(values[k], q);
        }
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
            // (b*u + e0, a*u + e1) modulo q_0..q_level and P, then divided by P with rounding: the noise
            // u*e + e0 + e1*s shrinks by P, leaving the rounding error (about |s|/2), as in SEAL
            final int[] u = sampler.ternary(n);
            final int[] e0 = sampler.gaussian(n);
            final int[] e1 = sampler.gaussian(n);
            final int pIndex = params.pIndex();
            final int k = params.specialPrimeCount();
            final long[][] acc0 = new long[limbs + k][];
            final long[][] acc1 = new long[limbs + k][];
            for (int i = 0; i < limbs; i++) {
                acc0[i] = c0.limb(i);
                acc1[i] = c1.limb(i);
            }
            for (int j = 0; j < k; j++) {
                acc0[limbs + j] = new long[n];
                acc1[limbs + j] = new long[n];
            }
            par.forEach(limbs + k, idx -> {
                int mi = idx >= limbs ? pIndex + (idx - limbs) : idx;
                long[] ui = new long[n];
                setSmall(u, mi, ui);
                setSmall(e0, mi, acc0[idx]);
                setSmall(e1, mi, acc1[idx]);
                ring.ntt(mi).forward(ui);
                ring.ntt(mi).forward(acc0[idx]);
                ring.ntt(mi).forward(acc1[idx]);
                ring.mulAddLimb(mi, pk.b().limb(mi), ui, acc0[idx]);
                ring.mulAddLimb(mi, pk.a().limb(mi), ui, acc1[idx]);
            });
            new KeySwitcher(params).modDown(acc0, acc1, level, true, par, null);
            c0.setNtt(true);
            c1.setNtt(true);
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
