package io.henas.ckks;

import io.henas.ring.Parallel;
import io.henas.ring.RnsPoly;
import io.henas.ring.Sampler;
import io.henas.rlwe.PublicKey;
import io.henas.rlwe.RlweEncryptor;
import io.henas.rlwe.SecretKey;

/**
 * Encrypts plaintexts with the public key (or, for smaller noise on the client, the secret key). The ciphertext
 * has the plaintext's level and scale. Not thread-safe (owns a CSPRNG sampler): use one per thread.
 */
public final class Encryptor {
    private final CkksParameters params;
    private final RlweEncryptor enc;
    private final Parallel par;

    private Encryptor(CkksParameters params, RlweEncryptor enc, Parallel par) {
        if (!enc.params().equals(params.rlwe())) {
            throw new IllegalArgumentException("parameter mismatch: params=" + params.id() + ", key="
                    + enc.params().id());
        }
        this.params = params;
        this.enc = enc;
        this.par = par;
    }

    /** Public-key encryptor drawing randomness from a new {@link java.security.SecureRandom}. */
    public static Encryptor ofPublicKey(CkksParameters params, PublicKey pk) {
        return new Encryptor(params, RlweEncryptor.ofPublicKey(pk, new Sampler()), Parallel.SEQUENTIAL);
    }

    /** Public-key encryptor with the given sampler and limb parallelism. */
    public static Encryptor ofPublicKey(CkksParameters params, PublicKey pk, Sampler sampler, Parallel par) {
        return new Encryptor(params, RlweEncryptor.ofPublicKey(pk, sampler), par);
    }

    /** Secret-key encryptor with the given sampler (one thread at a time). */
    public static Encryptor ofSecretKey(CkksParameters params, SecretKey sk, Sampler sampler) {
        return new Encryptor(params, RlweEncryptor.ofSecretKey(sk, sampler), Parallel.SEQUENTIAL);
    }

    /** Secret-key encryptor drawing randomness from a new {@link java.security.SecureRandom}. */
    public static Encryptor ofSecretKey(CkksParameters params, SecretKey sk) {
        return new Encryptor(params, RlweEncryptor.ofSecretKey(sk, new Sampler()), Parallel.SEQUENTIAL);
    }

    /** Encrypts {@code pt} at its level and scale. */
    public Ciphertext encrypt(Plaintext pt) {
        if (!pt.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: encryptor=" + params.id() + ", plaintext="
                    + pt.params().id());
        }
        int limbs = pt.level() + 1;
        RnsPoly c0 = params.ring().newPoly(limbs, true);
        RnsPoly c1 = params.ring().newPoly(limbs, true);
        enc.encryptZero(pt.level(), c0, c1, par);
        par.forEach(limbs, i -> params.ring().addLimb(i, c0.limb(i), pt.poly().limb(i), c0.limb(i)));
        return new Ciphertext(params, pt.scale(), c0, c1);
    }

    /** A fresh encryption of zero at {@code level} with the given scale. */
    public Ciphertext encryptZero(int level, double scale) {
        Plaintext.checkLevel(params, level);
        RnsPoly c0 = params.ring().newPoly(level + 1, true);
        RnsPoly c1 = params.ring().newPoly(level + 1, true);
        enc.encryptZero(level, c0, c1, par);
        return new Ciphertext(params, scale, c0, c1);
    }
}
