package io.henas.ckks;

import io.henas.ring.Parallel;
import io.henas.ring.RnsPoly;
import io.henas.rlwe.RlweDecryptor;
import io.henas.rlwe.SecretKey;

/** Decrypts ciphertexts (2 or 3 polynomials) into plaintexts at the same level and scale. Thread-safe. */
public final class Decryptor {
    private final CkksParameters params;
    private final RlweDecryptor dec;

    /** @param sk the secret key (its parameters must match) */
    public Decryptor(CkksParameters params, SecretKey sk) {
        if (!sk.params().equals(params.rlwe())) {
            throw new IllegalArgumentException("parameter mismatch: params=" + params.id() + ", key="
                    + sk.params().id());
        }
        this.params = params;
        this.dec = new RlweDecryptor(sk);
    }

    /** Decrypts {@code ct}. */
    public Plaintext decrypt(Ciphertext ct) {
        if (!ct.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: decryptor=" + params.id() + ", ciphertext="
                    + ct.params().id());
        }
        RnsPoly[] c = new RnsPoly[ct.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = ct.poly(i);
        }
        RnsPoly out = params.ring().newPoly(ct.level() + 1, true);
        dec.decrypt(c, out, Parallel.SEQUENTIAL);
        return new Plaintext(params, out, ct.scale());
    }
}
