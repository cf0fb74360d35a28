package io.henas.rlwe;

import io.henas.ring.RnsPoly;

/**
 * A hybrid key-switching key from a secret {@code s'} to the secret {@code s}, valid for ciphertexts at levels up to
 * its {@link #level()} {@code lk}: {@code dnum = ceil((lk + 1) / alpha)} digits {@code (b_j, a_j)}, each in NTT form
 * over {@code q_0..q_lk, p_0..p_{k-1}} ({@code lk + 1 + k} limbs, in that order), with
 * {@code b_j + a_j*s = e_j + P * g_j * s'}, where the gadget {@code g_j} is 1 modulo the data primes of digit
 * {@code j} ({@code q_{j*alpha} .. q_{(j+1)*alpha - 1}}) and 0 modulo the others (and {@code P = 0} modulo the
 * special primes). With {@code k = 1, alpha = 1} this is SEAL's per-prime key. A key at a lower level is smaller:
 * see {@link #byteSize}. The polynomials are held, not copied; treat them as read-only.
 */
public final class KeySwitchKey {
    private final RlweParameters params;
    private final int level;
    private final RnsPoly[] b;
    private final RnsPoly[] a;

    /** A key covering every level (its level is {@code L}). */
    public KeySwitchKey(RlweParameters params, RnsPoly[] b, RnsPoly[] a) {
        this(params, params.maxLevel(), b, a);
    }

    /**
     * @param level the highest ciphertext level the key serves, in {@code [0, L]}
     * @param b     digits {@code b_0..b_{dnum-1}}, each NTT form with {@code level + 1 + k} limbs
     * @param a     digits {@code a_0..a_{dnum-1}}, likewise
     */
    public KeySwitchKey(RlweParameters params, int level, RnsPoly[] b, RnsPoly[] a) {
        if (level < 0 || level > params.maxLevel()) {
            throw new IllegalArgumentException("key level must be in [0, " + params.maxLevel() + "], but was "
                    + level);
        }
        int digits = params.digitCount(level);
        if (b == null || a == null || b.length != digits || a.length != digits) {
            throw new IllegalArgumentException("a key-switching key at level " + level + " must have " + digits
                    + " digits (ceil(" + (level + 1) + "/" + params.digitSize() + ")), but had b="
                    + (b == null ? "null" : b.length) + ", a=" + (a == null ? "null" : a.length));
        }
        int limbs = level + 1 + params.specialPrimeCount();
        for (int j = 0; j < digits; j++) {
            checkPoly("key digit b[" + j + "]", params, b[j], limbs);
            checkPoly("key digit a[" + j + "]", params, a[j], limbs);
        }
        this.params = params;
        this.level = level;
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

    /**
     * Bytes of the residues of a key at {@code level} held in memory: {@code 2 * dnum * (level + 1 + k) * N * 8}
     * (object headers excluded); the serialized size is the serialization layer's business.
     */
    public static long byteSize(RlweParameters params, int level) {
        return 2L * params.digitCount(level) * (level + 1 + params.specialPrimeCount()) * params.n() * 8L;
    }

    /** The parameters. */
    public RlweParameters params() {
        return params;
    }

    /** The highest ciphertext level this key can switch. */
    public int level() {
        return level;
    }

    /** Number of digits, {@code ceil((level + 1) / alpha)}. */
    public int digits() {
        return b.length;
    }

    /** The ring index ({@link RlweParameters#ring()}) of limb {@code i} of this key's polynomials. */
    public int ringIndex(int i) {
        return i <= level ? i : params.pIndex() + (i - level - 1);
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
