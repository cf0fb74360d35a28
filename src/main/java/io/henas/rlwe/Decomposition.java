package io.henas.rlwe;

/**
 * The digit decomposition of one polynomial at level {@code l} for hybrid key switching: for each digit {@code j}
 * (the residues modulo its {@code alpha} data primes, lifted to an integer), its extension to every prime of
 * {@code q_0..q_l, p_0..p_{k-1}} in NTT form. Computed once by {@link KeySwitcher#decompose} and reusable for several
 * keys (hoisted rotations). Read-only after construction.
 */
public final class Decomposition {
    final int level;
    /** digits[j][t]: digit j modulo the t-th prime of (q_0..q_l, p_0..p_{k-1}), NTT form. */
    final long[][][] digits;

    Decomposition(int level, long[][][] digits) {
        this.level = level;
        this.digits = digits;
    }

    /** Gives the digit arrays back to {@code pool}; the decomposition must not be used afterwards. */
    public void release(io.henas.ring.ScratchPool pool) {
        for (long[][] dj : digits) {
            for (int t = 0; t < dj.length; t++) {
                pool.give(dj[t]);
                dj[t] = null;
            }
        }
    }

    /** The level of the decomposed polynomial. */
    public int level() {
        return level;
    }

    /** Number of digits. */
    public int digitCount() {
        return digits.length;
    }
}
