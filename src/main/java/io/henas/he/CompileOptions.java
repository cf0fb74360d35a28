package io.henas.he;

/**
 * How to compile a network to an {@link HePlan}.
 *
 * @param merge                    coefficient merging: batch-norm, activation coefficients, pooling factors and
 *                                 masks folded into adjacent linear layers wherever exact (so they cost no level)
 * @param maxChannelsPerCiphertext upper bound on feature maps per ciphertext (rounded down to a power of two); 1
 *                                 gives HEMET's one-channel-per-ciphertext layout, 0 = as many as fit in N/2 slots
 * @param logN                     ring degree to compile for, or 0 to pick the smallest secure one that fits
 * @param precisionBits            bits of precision wanted on the logits (drives the scale)
 * @param magnitudeBits            bits of headroom for the largest |value| held in a slot (drives the first prime)
 */
public record CompileOptions(boolean merge, int maxChannelsPerCiphertext, int logN, int precisionBits,
                             int magnitudeBits) {
    public CompileOptions {
        if (maxChannelsPerCiphertext < 0) {
            throw new IllegalArgumentException("maxChannelsPerCiphertext must be >= 0, but was " + maxChannelsPerCiphertext);
        }
        if (logN != 0 && (logN < 12 || logN > 16)) {
            throw new IllegalArgumentException("logN must be 0 (auto) or in [12, 16], but was " + logN);
        }
        if (precisionBits < 4 || precisionBits > 40) {
            throw new IllegalArgumentException("precisionBits must be in [4, 40], but was " + precisionBits);
        }
        if (magnitudeBits < 0 || magnitudeBits > 30) {
            throw new IllegalArgumentException("magnitudeBits must be in [0, 30], but was " + magnitudeBits);
        }
    }

    /** Default options: merging as given, auto packing and logN, 20 bits of logit precision, 2^10 headroom. */
    public static CompileOptions defaults(boolean merge) {
        return new CompileOptions(merge, 0, 0, 20, 10);
    }

    /** Same options with another ring degree (0 = auto). */
    public CompileOptions withLogN(int n) {
        return new CompileOptions(merge, maxChannelsPerCiphertext, n, precisionBits, magnitudeBits);
    }

    /** JSON form; {@link #fromJson} reads it back. */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("merge", merge);
        m.put("max_channels_per_ciphertext", maxChannelsPerCiphertext);
        m.put("logN", logN);
        m.put("precision_bits", precisionBits);
        m.put("magnitude_bits", magnitudeBits);
        return m;
    }

    /**
     * Reads {@link #toJson()}'s form.
     *
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    public static CompileOptions fromJson(java.util.Map<String, Object> m) {
        if (!(m.get("merge") instanceof Boolean merge)) {
            throw new IllegalArgumentException("compile options: merge must be a boolean, but was " + m.get("merge"));
        }
        return new CompileOptions(merge, intOf(m, "max_channels_per_ciphertext"), intOf(m, "logN"),
                intOf(m, "precision_bits"), intOf(m, "magnitude_bits"));
    }

    private static int intOf(java.util.Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof Number n) || n.doubleValue() != n.intValue()) {
            throw new IllegalArgumentException("compile options: " + k + " must be an integer, but was " + m.get(k));
        }
        return n.intValue();
    }

    /** Same options with another channel-per-ciphertext bound. */
    public CompileOptions withMaxChannelsPerCiphertext(int m) {
        return new CompileOptions(merge, m, logN, precisionBits, magnitudeBits);
    }
}
