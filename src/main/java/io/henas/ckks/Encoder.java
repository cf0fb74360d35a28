package io.henas.ckks;

import io.henas.ring.Parallel;
import io.henas.ring.RnsPoly;

/**
 * The CKKS encoder: real or complex vectors of up to {@code N/2} values (slots) to {@link Plaintext}s at a level and
 * scale, and back. Encoding runs the inverse canonical embedding ({@link CanonicalEmbedding}, {@code O(N log N)}),
 * multiplies by the scale, rounds to integers, reduces them modulo the primes of the level ({@link EncodingRns}) and
 * transforms to NTT form. Decoding inverts each step (CRT recomposition to centered values divided by the scale).
 *
 * <p>Slot order: slot {@code j} holds the value at {@code zeta^(5^j)}, so the evaluator's rotation by {@code k}
 * moves slot {@code j + k} to slot {@code j} and conjugation conjugates every slot. Vectors shorter than
 * {@code N/2} are padded with zeros.
 *
 * <p>Rounding error: rounding the scaled coefficients to integers adds to every slot an error of root-mean-square
 * about {@code sqrt(N/12) / scale}. {@link #encodeMeasured} reports the exact figure for one encoding,
 * {@link Decoded#roundingError()} the expected one at the decoded scale, and for real messages
 * {@link Decoded#maxImaginary()} is a measured estimate of the total error (the imaginary parts are pure error).
 *
 * <p>Immutable and thread-safe.
 */
public final class Encoder {

    /**
     * A plaintext and the rounding error its encoding introduced.
     *
     * @param plaintext     the encoded plaintext
     * @param roundingError the root-mean-square error per slot added by rounding to integers (see
     *                      {@link EncodingRns#scaleRoundInto})
     */
    public record Encoded(Plaintext plaintext, double roundingError) {
    }

    /**
     * Decoded slot values.
     *
     * @param re            real parts, {@code N/2} values
     * @param im            imaginary parts, {@code N/2} values
     * @param scale         the scale the plaintext carried
     * @param roundingError {@code sqrt(N/12) / scale}: the expected root-mean-square per-slot error of encoding at this
     *                      scale, the floor below which no value decoded at this scale is accurate
     */
    public record Decoded(double[] re, double[] im, double scale, double roundingError) {

        /** The largest magnitude of an imaginary part: for a real message, a measured estimate of its error. */
        public double maxImaginary() {
            double m = 0;
            for (double v : im) {
                m = Math.max(m, Math.abs(v));
            }
            return m;
        }

        /** Precision of the first {@code expected.length} real parts against real expected values. */
        public EncodingPrecision precision(double[] expected) {
            return EncodingPrecision.of(expected, re);
        }

        /**
         * Precision of the first {@code expectedRe.length} slots against complex expected values (the imaginary parts
         * of the slots count, so a real message with a large imaginary error shows it).
         */
        public EncodingPrecision precision(double[] expectedRe, double[] expectedIm) {
            double[] expIm = expectedIm != null ? expectedIm : new double[expectedRe.length];
            return EncodingPrecision.of(expectedRe, expIm, re, im);
        }
    }

    private final CkksParameters params;
    private final CanonicalEmbedding embedding;
    private final EncodingRns rns;

    /** An encoder for the given parameters (precomputes the FFT and CRT tables). */
    public Encoder(CkksParameters params) {
        if (params == null) {
            throw new IllegalArgumentException("params must not be null");
        }
        this.params = params;
        this.embedding = new CanonicalEmbedding(params.logN());
        this.rns = new EncodingRns(params.rlwe().qs());
    }

    /** The parameters. */
    public CkksParameters params() {
        return params;
    }

    /** Number of slots, {@code N/2}. */
    public int slots() {
        return embedding.slots();
    }

    /** Encodes real values at the top level and the default scale. */
    public Plaintext encode(double[] values) {
        return encode(values, null, params.maxLevel(), params.defaultScale());
    }

    /** Encodes real values at a level and scale. */
    public Plaintext encode(double[] values, int level, double scale) {
        return encode(values, null, level, scale);
    }

    /**
     * Encodes complex values at a level and scale.
     *
     * @param re    real parts, at most {@code N/2} values
     * @param im    imaginary parts, at most {@code N/2} values, or {@code null} for a real vector
     * @param level target level in {@code [0, maxLevel]}
     * @param scale the scale, positive and finite
     * @throws IllegalArgumentException on a bad length, level or scale, a non-finite value, or a scaled coefficient
     *                                  that does not fit the level's modulus
     */
    public Plaintext encode(double[] re, double[] im, int level, double scale) {
        return encodeMeasured(re, im, level, scale).plaintext();
    }

    /** As {@link #encode(double[], double[], int, double)}, also returning the rounding error it introduced. */
    public Encoded encodeMeasured(double[] re, double[] im, int level, double scale) {
        checkLevel(level);
        checkValues("re", re);
        if (im != null) {
            checkValues("im", im);
        }
        double[] coeffs = embedding.encode(re, im);
        return scaleAndRound(coeffs, level, scale);
    }

    /** Encodes the same real value into every slot: the constant polynomial {@code value * scale}. */
    public Plaintext encodeConstant(double value, int level, double scale) {
        return encodeConstant(value, 0, level, scale);
    }

    /**
     * Encodes the same complex value {@code re + i im} into every slot: the polynomial
     * {@code (re + im X^(N/2)) * scale} (every slot point {@code w} has {@code w^(N/2) = i}).
     */
    public Plaintext encodeConstant(double re, double im, int level, double scale) {
        checkLevel(level);
        if (!Double.isFinite(re) || !Double.isFinite(im)) {
            throw new IllegalArgumentException("constant must be finite, but was " + re + " + " + im + "i");
        }
        double[] coeffs = new double[params.n()];
        coeffs[0] = re;
        coeffs[params.n() / 2] = im;
        return scaleAndRound(coeffs, level, scale).plaintext();
    }

    private Encoded scaleAndRound(double[] coeffs, int level, double scale) {
        long[][] limbs = new long[level + 1][params.n()];
        double err = rns.scaleRoundInto(coeffs, scale, level + 1, limbs);
        RnsPoly poly = new RnsPoly(limbs, false);
        params.ring().toNtt(poly, Parallel.SEQUENTIAL);
        return new Encoded(new Plaintext(params, poly, scale), err);
    }

    /**
     * Decodes a plaintext (e.g. a decryption) into its {@code N/2} complex slot values.
     *
     * @throws IllegalArgumentException if the plaintext belongs to other parameters
     */
    public Decoded decode(Plaintext pt) {
        if (!pt.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: plaintext " + pt.params().id() + " vs encoder "
                    + params.id());
        }
        RnsPoly poly = pt.poly();
        int count = poly.limbCount();
        long[][] limbs = new long[count][];
        if (poly.isNtt()) {
            RnsPoly c = poly.copy();
            params.ring().toCoeff(c, Parallel.SEQUENTIAL);
            poly = c;
        }
        for (int i = 0; i < count; i++) {
            limbs[i] = poly.limb(i);
        }
        double[] coeffs = new double[params.n()];
        rns.crtInto(limbs, count, pt.scale(), coeffs);
        double[] re = new double[slots()];
        double[] im = new double[slots()];
        embedding.decodeInto(coeffs, re, im);
        return new Decoded(re, im, pt.scale(), Math.sqrt(params.n() / 12.0) / pt.scale());
    }

    /** Decodes a plaintext and returns the real parts of its slots. */
    public double[] decodeReal(Plaintext pt) {
        return decode(pt).re();
    }

    private void checkLevel(int level) {
        if (level < 0 || level > params.maxLevel()) {
            throw new IllegalArgumentException("level must be in [0, " + params.maxLevel() + "], but was " + level);
        }
    }

    private void checkValues(String what, double[] v) {
        if (v.length > slots()) {
            throw new IllegalArgumentException(what + " must hold at most " + slots() + " values (N/2 slots), but held "
                    + v.length);
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] must be finite, but was " + v[i]);
            }
        }
    }

    @Override
    public String toString() {
        return "Encoder[N=" + params.n() + ", slots=" + slots() + "]";
    }
}
