package io.henas.rlwe;

import io.henas.ring.RnsPoly;

/**
 * An RLWE public key {@code (b, a) = (-a*s + e, a)} in NTT form over the data primes {@code q_0..q_L}.
 *
 * @param params the parameters
 * @param b      {@code -a*s + e}, NTT form, L + 1 limbs
 * @param a      uniform, NTT form, L + 1 limbs
 */
public record PublicKey(RlweParameters params, RnsPoly b, RnsPoly a) {
    /** Validates shapes. */
    public PublicKey {
        KeySwitchKey.checkPoly("public key b", params, b, params.maxLevel() + 1);
        KeySwitchKey.checkPoly("public key a", params, a, params.maxLevel() + 1);
    }
}
