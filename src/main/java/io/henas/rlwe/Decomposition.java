package io.henas.rlwe;

/**
 * The digit decomposition of one polynomial at level {@code l} for key switching: for each data prime
 * {@code q_j (j <= l)}, the digit {@code [c]_{q_j}} lifted to {@code [0, q_j)} and transformed to NTT form modulo
 * {@code q_0..q_l} and {@code P}. Computed once by {@link KeySwitcher#decompose} and reusable for several keys
 * (hoisted rotations). Read-only after construction.
 */
public final class Decomposition {
    final int level;
    /** digits[j][t]: digit j modulo the t-th prime of (q_0..q_l, P), NTT form. */
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
}
