package io.henas.rlwe;

import io.henas.ring.RnsPoly;

/**
 * An RLWE public key {@code (b, a) = (-a*s + e, a)} in NTT form over the data primes and the special primes,
 * {@code q_0..q_L, p_0..p_{k-1}}: encryption works modulo {@code Q_l * P} and then divides by {@code P} (SEAL's
 * way), which shrinks the encryption noise to the rounding error.
 *
 * @param params the parameters
 * @param b      {@code -a*s + e}, NTT form, L + 1 + k limbs
 * @param a      uniform, NTT form, L + 1 + k limbs
 */
public record PublicKey(RlweParameters params, RnsPoly b, RnsPoly a) {
    /** Validates shapes. */
    public PublicKey {
        KeySwitchKey.checkPoly("public key b", params, b, params.maxLevel() + 1 + params.specialPrimeCount());
        KeySwitchKey.checkPoly("public key a", params, a, params.maxLevel() + 1 + params.specialPrimeCount());
    }
}
