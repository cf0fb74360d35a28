package io.henas.ckks;

import io.henas.ring.Parallel;
import io.henas.ring.RnsPoly;

/**
 * A CKKS plaintext: a polynomial in NTT form over {@code q_0..q_level}, with the scale its values were multiplied by.
 * The polynomial is held, not copied; treat a plaintext as read-only once built (not thread-safe while mutated).
 *
 * <p>Slot convention (shared by the encoder and the evaluator's rotations): slot {@code j} holds
 * {@code m(zeta^(5^j mod 2N))} for {@code zeta = exp(i*pi/N)}, {@code j in [0, N/2)}, so that rotation by {@code k}
 * (Galois element {@code 5^k mod 2N}) moves slot {@code j + k} to slot {@code j}.
 */
public final class Plaintext {
    private final CkksParameters params;
    private final RnsPoly poly;
    private final double scale;

    /**
     * @param params the parameters
     * @param poly   a polynomial in NTT form with {@code level + 1} limbs, {@code level <= params.maxLevel()}
     * @param scale  the scale, positive and finite
     */
    public Plaintext(CkksParameters params, RnsPoly poly, double scale) {
        if (!poly.isNtt()) {
            throw new IllegalArgumentException("plaintext polynomial must be in NTT form, but was in coefficient form");
        }
        if (poly.n() != params.n()) {
            throw new IllegalArgumentException("plaintext degree must be " + params.n() + ", but was " + poly.n());
        }
        if (poly.limbCount() > params.maxLevel() + 1) {
            throw new IllegalArgumentException("plaintext level must be in [0, " + params.maxLevel() + "], but was "
                    + poly.level());
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, but was " + scale);
        }
        this.params = params;
        this.poly = poly;
        this.scale = scale;
    }

    /**
     * Builds a plaintext from real polynomial coefficients that are already multiplied by {@code scale}: each is
     * rounded to the nearest integer, reduced modulo {@code q_0..q_level} and transformed to NTT form. This is the
     * encoder's entry point.
     *
     * @param scaledCoeffs N coefficients (any finite magnitude)
     * @param level        target level in [0, maxLevel]
     * @param scale        the scale the coefficients carry
     */
    public static Plaintext fromCoefficients(CkksParameters params, double[] scaledCoeffs, int level, double scale) {
        checkLevel(params, level);
        RnsPoly p = params.ring().newPoly(level + 1, false);
        params.ring().setRounded(scaledCoeffs, p);
        params.ring().toNtt(p, Parallel.SEQUENTIAL);
        return new Plaintext(params, p, scale);
    }

    /**
     * The centered integer coefficients of this plaintext (still multiplied by the scale) as doubles: the decoder's
     * entry point. Does not modify this plaintext.
     */
    public double[] toCoefficients() {
        RnsPoly c = poly.copy();
        params.ring().toCoeff(c, Parallel.SEQUENTIAL);
        double[] out = new double[params.n()];
        params.ring().toCenteredDoubles(c, out);
        return out;
    }

    static void checkLevel(CkksParameters params, int level) {
        if (level < 0 || level > params.maxLevel()) {
            throw new IllegalArgumentException("level must be in [0, " + params.maxLevel() + "], but was " + level);
        }
    }

    /** The parameters. */
    public CkksParameters params() {
        return params;
    }

    /** The polynomial (live, NTT form). */
    public RnsPoly poly() {
        return poly;
    }

    /** The level (number of limbs minus one). */
    public int level() {
        return poly.level();
    }

    /** The scale. */
    public double scale() {
        return scale;
    }
}
