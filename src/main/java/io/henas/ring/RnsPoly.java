package io.henas.ring;

/**
 * A polynomial of {@code Z[X]/(X^N + 1)} in residue-number-system form: one flat {@code long[N]} limb per prime,
 * limb {@code i} reduced modulo the {@code i}-th modulus of its {@link Ring} (coefficients in {@code [0, q_i)}),
 * either in coefficient form or in NTT (evaluation) form as flagged by {@link #isNtt()}.
 *
 * <p>Mutable and not thread-safe: the limb arrays are exposed for speed ({@link #limb(int)}) and the owner must not
 * share an instance across threads while it is written.
 */
public final class RnsPoly {
    private final int n;
    private final long[][] limbs;
    private boolean ntt;

    /** A zero polynomial with {@code limbCount} limbs of degree {@code n}. */
    public RnsPoly(int n, int limbCount, boolean ntt) {
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("n must be a power of two, but was " + n);
        }
        if (limbCount < 1) {
            throw new IllegalArgumentException("limbCount must be >= 1, but was " + limbCount);
        }
        this.n = n;
        this.limbs = new long[limbCount][n];
        this.ntt = ntt;
    }

    /** Wraps the given limbs (not copied: the caller hands over ownership); all must have the same power-of-two length. */
    public RnsPoly(long[][] limbs, boolean ntt) {
        if (limbs.length < 1) {
            throw new IllegalArgumentException("limbs must not be empty");
        }
        this.n = limbs[0].length;
        for (long[] l : limbs) {
            if (l.length != n) {
                throw new IllegalArgumentException("all limbs must have length " + n + ", but one had " + l.length);
            }
        }
        this.limbs = limbs;
        this.ntt = ntt;
    }

    /** Ring degree N. */
    public int n() {
        return n;
    }

    /** Number of limbs (RNS primes). */
    public int limbCount() {
        return limbs.length;
    }

    /** The level: {@code limbCount() - 1}. */
    public int level() {
        return limbs.length - 1;
    }

    /** The live array of limb {@code i} (not a copy). */
    public long[] limb(int i) {
        return limbs[i];
    }

    /** True if the limbs hold NTT evaluations, false if coefficients. */
    public boolean isNtt() {
        return ntt;
    }

    /** Sets the representation flag (used by transforms). */
    public void setNtt(boolean ntt) {
        this.ntt = ntt;
    }

    /** A deep copy. */
    public RnsPoly copy() {
        return copy(limbs.length);
    }

    /** A deep copy of the first {@code count} limbs (drops the top limbs: the same value modulo a smaller modulus). */
    public RnsPoly copy(int count) {
        if (count < 1 || count > limbs.length) {
            throw new IllegalArgumentException("limb count must be in [1, " + limbs.length + "], but was " + count);
        }
        long[][] c = new long[count][];
        for (int i = 0; i < count; i++) {
            c[i] = limbs[i].clone();
        }
        return new RnsPoly(c, ntt);
    }

    /** Copies the limbs and representation of {@code src} (same shape) into this polynomial. */
    public void copyFrom(RnsPoly src) {
        if (src.n != n || src.limbs.length != limbs.length) {
            throw new IllegalArgumentException("shape mismatch: this=" + limbs.length + "x" + n + ", src="
                    + src.limbs.length + "x" + src.n);
        }
        for (int i = 0; i < limbs.length; i++) {
            System.arraycopy(src.limbs[i], 0, limbs[i], 0, n);
        }
        ntt = src.ntt;
    }
}
