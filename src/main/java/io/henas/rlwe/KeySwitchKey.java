package io.henas.rlwe;

import io.henas.ring.RnsPoly;

/**
 * A key-switching key from a secret {@code s'} to the secret {@code s}, with SEAL-style per-prime digit
 * decomposition and one special prime {@code P}: for each data prime {@code q_j}, digit {@code j} is
 * {@code (b_j, a_j)} over {@code q_0..q_L, P} (NTT form, L + 2 limbs) with
 * {@code b_j + a_j*s = e_j + P * [s']_{q_j} * delta_j}, where {@code delta_j = 1 mod q_j} and {@code 0} modulo the
 * other primes. The polynomials are held, not copied; treat them as read-only.
 */
public final class KeySwitchKey {
    private final RlweParameters params;
    private final RnsPoly[] b;
    private final RnsPoly[] a;

    /**
     * @param b digits {@code b_0..b_L}, each NTT form with L + 2 limbs
     * @param a digits {@code a_0..a_L}, each NTT form with L + 2 limbs
     */
    public KeySwitchKey(RlweParameters params, RnsPoly[] b, RnsPoly[] a) {
        int digits = params.maxLevel() + 1;
        if (b.length != digits || a.length != digits) {
            throw new IllegalArgumentException("a key-switching key must have " + digits + " digits, but had b="
                    + b.length + ", a=" + a.length);
        }
        for (int j = 0; j < digits; j++) {
            checkPoly("key digit b[" + j + "]", params, b[j], digits + 1);
            checkPoly("key digit a[" + j + "]", params, a[j], digits + 1);
        }
        this.params = params;
        this.b = b.clone();
        this.a = a.clone();
    }

    static void checkPoly(String what, RlweParameters params, RnsPoly p, int limbs) {
        if (p == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (!p.isNtt()) {
            throw new IllegalArgumentException(what + " must be in NTT form");
        }
        if (p.n() != params.n() || p.limbCount() != limbs) {
            throw new IllegalArgumentException(what + " must have " + limbs + " limbs of degree " + params.n()
                    + ", but had " + p.limbCount() + " of degree " + p.n());
        }
    }

    /** The parameters. */
    public RlweParameters params() {
        return params;
    }

    /** Number of digits (L + 1). */
    public int digits() {
        return b.length;
    }

    /** Digit {@code j}'s {@code b} polynomial (live). */
    public RnsPoly b(int j) {
        return b[j];
    }

    /** Digit {@code j}'s {@code a} polynomial (live). */
    public RnsPoly a(int j) {
        return a[j];
    }
}
