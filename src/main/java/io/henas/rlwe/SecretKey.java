package io.henas.rlwe;

import io.henas.ring.RnsPoly;

/**
 * A ternary secret key {@code s}, held in NTT form over all primes {@code q_0..q_L, P}. Client-side only: no
 * server-side type ({@link EvaluationKeys}) can reference it. Not serializable by design.
 */
public final class SecretKey {
    private final RlweParameters params;
    private final RnsPoly s;

    SecretKey(RlweParameters params, RnsPoly s) {
        this.params = params;
        this.s = s;
    }

    /** The parameters this key belongs to. */
    public RlweParameters params() {
        return params;
    }

    /** The key polynomial (NTT form, L + 2 limbs); package-private: the secret never leaves this package. */
    RnsPoly poly() {
        return s;
    }

    @Override
    public String toString() {
        return "SecretKey[params=" + params.id() + "]";
    }
}
