package io.henas.he;

import java.util.Map;

/**
 * How precise a chain's logits are predicted to be, and how precise they must be.
 *
 * <p>Bits are relative to the largest |logit|: {@code bits = log2(maxAbsLogit / sigma)}, {@code sigma} the predicted
 * standard deviation of the worst logit's CKKS error ({@link NoiseModel}). Required: at least
 * {@link CompileOptions#precisionBits()} bits, and (with calibration images) {@code 6 sigma < gap / 2} for the
 * smallest top-1/top-2 gap so the argmax is kept ({@code log2(12 maxAbsLogit / gap)} bits, at most
 * {@link ParameterSelector#MAX_REQUIRED_BITS}: closer ties are undecidable in plaintext too).
 *
 * @param source            "calibrated" (simulated on calibration images with the trained weights) or "defaults"
 *                          (weights unknown: the documented assumptions of {@link ParameterSelector})
 * @param images            calibration images (0 for defaults)
 * @param requiredBits      bits the logits must have
 * @param predictedBits     bits the chain gives (predicted)
 * @param maxAbsLogit       largest |logit| (calibrated, or the default bound {@code 2^magnitudeBits})
 * @param minLogitGap       smallest top-1/top-2 gap over the images (NaN for defaults)
 * @param maxAbsValue       largest |value| any register slot held (the default bound for defaults)
 * @param defaultsHeld      calibrated only: whether the defaults (values below {@code 2^magnitudeBits}, error growth
 *                          at most {@link ParameterSelector#DEFAULT_GROWTH_BITS}) held for this model; null for defaults
 */
public record PrecisionReport(String source, int images, double requiredBits, double predictedBits,
                              double maxAbsLogit, double minLogitGap, double maxAbsValue, Boolean defaultsHeld) {
    public static final String CALIBRATED = "calibrated";
    public static final String DEFAULTS = "defaults";

    public PrecisionReport {
        if (!CALIBRATED.equals(source) && !DEFAULTS.equals(source)) {
            throw new IllegalArgumentException("source must be calibrated or defaults, but was " + source);
        }
    }

    /** Whether the prediction meets the requirement. */
    public boolean met() {
        return predictedBits >= requiredBits;
    }

    /** Rounds to 1/1000 (reports and exports stay readable and compare equal after a JSON round trip). */
    static double r3(double x) {
        return Double.isFinite(x) ? Math.round(x * 1000) / 1000.0 : x;
    }

    /** JSON form. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("source", source);
        m.put("images", images);
        m.put("precision_bits_required", requiredBits);
        m.put("precision_bits_predicted", predictedBits);
        m.put("max_abs_logit", maxAbsLogit);
        m.put("min_logit_gap", Double.isNaN(minLogitGap) ? null : minLogitGap);
        m.put("max_abs_value", maxAbsValue);
        m.put("defaults_held", defaultsHeld);
        return m;
    }

    /** Reads {@link #toJson()}'s form (null numbers are NaN). */
    public static PrecisionReport fromJson(Map<String, Object> m) {
        return new PrecisionReport(String.valueOf(m.get("source")), (int) num(m, "images"),
                num(m, "precision_bits_required"), num(m, "precision_bits_predicted"), num(m, "max_abs_logit"),
                num(m, "min_logit_gap"), num(m, "max_abs_value"),
                m.get("defaults_held") instanceof Boolean b ? b : null);
    }

    private static double num(Map<String, Object> m, String k) {
        return m.get(k) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
