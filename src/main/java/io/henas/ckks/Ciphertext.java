package io.henas.ckks;

import io.henas.ring.RnsPoly;

/**
 * A CKKS ciphertext: 2 polynomials {@code (c0, c1)} (decrypting as {@code c0 + c1*s}) or 3 after a multiplication
 * without relinearization ({@code c0 + c1*s + c2*s^2}), all in NTT form over {@code q_0..q_level}, with a scale.
 *
 * <p>Mutable (the evaluator's {@code ...Into} methods overwrite it) and not thread-safe.
 */
public final class Ciphertext {
    private final CkksParameters params;
    private RnsPoly[] polys;
    private double scale;

    /**
     * @param params the parameters
     * @param scale  positive and finite
     * @param polys  2 or 3 polynomials in NTT form with equal limb counts (at most maxLevel + 1); held, not copied
     */
    public Ciphertext(CkksParameters params, double scale, RnsPoly... polys) {
        this.params = params;
        set(scale, polys);
    }

    /** Replaces the content (used by the evaluator's {@code ...Into} methods). */
    void set(double scale, RnsPoly... polys) {
        if (polys.length < 2 || polys.length > 3) {
            throw new IllegalArgumentException("a ciphertext has 2 or 3 polynomials, but got " + polys.length);
        }
        int limbs = polys[0].limbCount();
        for (int i = 0; i < polys.length; i++) {
            RnsPoly p = polys[i];
            if (!p.isNtt()) {
                throw new IllegalArgumentException("ciphertext polynomial " + i + " must be in NTT form");
            }
            if (p.n() != params.n()) {
                throw new IllegalArgumentException("ciphertext degree must be " + params.n() + ", but was " + p.n());
            }
            if (p.limbCount() != limbs) {
                throw new IllegalArgumentException("ciphertext polynomials must have equal levels, but poly 0 has "
                        + (limbs - 1) + " and poly " + i + " has " + p.level());
            }
        }
        if (limbs > params.maxLevel() + 1) {
            throw new IllegalArgumentException("ciphertext level must be in [0, " + params.maxLevel() + "], but was "
                    + (limbs - 1));
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, but was " + scale);
        }
        this.polys = polys.clone();
        this.scale = scale;
    }

    /** The parameters. */
    public CkksParameters params() {
        return params;
    }

    /** Number of polynomials (2, or 3 before relinearization). */
    public int size() {
        return polys.length;
    }

    /** Polynomial {@code i} (live, NTT form). */
    public RnsPoly poly(int i) {
        return polys[i];
    }

    /** The level (limbs minus one). */
    public int level() {
        return polys[0].level();
    }

    /** The scale. */
    public double scale() {
        return scale;
    }

    /** A deep copy. */
    public Ciphertext copy() {
        RnsPoly[] c = new RnsPoly[polys.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = polys[i].copy();
        }
        return new Ciphertext(params, scale, c);
    }

    @Override
    public String toString() {
        return "Ciphertext[size=" + polys.length + ", level=" + level() + ", scale=2^"
                + String.format("%.2f", Math.log(scale) / Math.log(2)) + "]";
    }
}
