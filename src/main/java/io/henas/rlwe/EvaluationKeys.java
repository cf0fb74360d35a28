package io.henas.rlwe;

/**
 * The keys a server needs to evaluate on ciphertexts: public key, relinearization key and Galois keys. By
 * construction it cannot hold a {@link SecretKey}.
 *
 * @param publicKey  the public key (non-null)
 * @param relinKey   the relinearization key, or null if multiplications are never relinearized
 * @param galoisKeys Galois keys for rotations and conjugation (non-null, possibly empty)
 */
public record EvaluationKeys(PublicKey publicKey, RelinKey relinKey, GaloisKeys galoisKeys) {
    /** Validates that all keys share the parameters. */
    public EvaluationKeys {
        if (publicKey == null) {
            throw new IllegalArgumentException("publicKey must not be null");
        }
        if (galoisKeys == null) {
            throw new IllegalArgumentException("galoisKeys must not be null (use GaloisKeys.empty())");
        }
        RlweParameters p = publicKey.params();
        if (relinKey != null && !relinKey.key().params().equals(p)) {
            throw new IllegalArgumentException("parameter mismatch: publicKey=" + p.id() + ", relinKey="
                    + relinKey.key().params().id());
        }
        for (KeySwitchKey k : galoisKeys.asMap().values()) {
            if (!k.params().equals(p)) {
                throw new IllegalArgumentException("parameter mismatch: publicKey=" + p.id() + ", galoisKey="
                        + k.params().id());
            }
        }
    }

    /** The parameters. */
    public RlweParameters params() {
        return publicKey.params();
    }
}
