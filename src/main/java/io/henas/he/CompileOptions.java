package io.henas.he;

/**
 * How to compile a network to an {@link HePlan}.
 *
 * @param merge                    coefficient merging: batch-norm, activation coefficients, pooling factors and
 *                                 masks folded into adjacent linear layers wherever exact (so they cost no level)
 * @param maxChannelsPerCiphertext upper bound on feature maps per ciphertext (rounded down to a power of two); 1
 *                                 gives HEMET's one-channel-per-ciphertext layout, 0 = as many as fit in N/2 slots
 * @param logN                     ring degree to compile for, or 0 to pick the smallest secure one that fits
 * @param precisionBits            least bits of precision the logits must keep, relative to the largest |logit|
 *                                 (see {@link PrecisionReport})
 * @param magnitudeBits            when the weights are not known: {@code log2} of the assumed bound on every |value| a
 *                                 slot holds, logits included (drives the first prime; see {@link ParameterSelector})
 * @param maxSpecialPrimes         most special primes {@code k} the selector may use (1 = SEAL's key switching)
 * @param chain                    a fixed chain (from an earlier selection, e.g. an exported model's) or null to select
 */
public record CompileOptions(boolean merge, int maxChannelsPerCiphertext, int logN, int precisionBits,
                             int magnitudeBits, int maxSpecialPrimes, ChainSpec chain) {
    /**
     * Default bound on {@code k}: the selector may use up to 4 special primes with digits of several data primes
     * (hybrid key switching; fewer digits, so faster key switching and smaller keys, for more bits of {@code P} in the
     * security budget). 1 restricts it to SEAL's {@code k = alpha = 1}.
     */
    public static final int DEFAULT_MAX_SPECIAL_PRIMES = 4;
    /** Default least logit precision in bits. */
    public static final int DEFAULT_PRECISION_BITS = 10;
    /** Default assumed bound {@code 2^5 = 32} on |values| when the weights are not known. */
    public static final int DEFAULT_MAGNITUDE_BITS = 5;

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
        if (maxSpecialPrimes < 1 || maxSpecialPrimes > 8) {
            throw new IllegalArgumentException("maxSpecialPrimes must be in [1, 8], but was " + maxSpecialPrimes);
        }
        if (chain != null && logN == 0) {
            throw new IllegalArgumentException("a fixed chain needs a fixed logN, but logN was 0 (auto)");
        }
    }

    /** Backwards-compatible form: default special-prime bound, chain selected. */
    public CompileOptions(boolean merge, int maxChannelsPerCiphertext, int logN, int precisionBits, int magnitudeBits) {
        this(merge, maxChannelsPerCiphertext, logN, precisionBits, magnitudeBits, DEFAULT_MAX_SPECIAL_PRIMES, null);
    }

    /** Default options: merging as given, auto packing, logN and chain, the default precision and magnitude. */
    public static CompileOptions defaults(boolean merge) {
        return new CompileOptions(merge, 0, 0, DEFAULT_PRECISION_BITS, DEFAULT_MAGNITUDE_BITS);
    }

    /** Same options with another ring degree (0 = auto; drops a fixed chain when 0). */
    public CompileOptions withLogN(int n) {
        return new CompileOptions(merge, maxChannelsPerCiphertext, n, precisionBits, magnitudeBits, maxSpecialPrimes,
                n == 0 ? null : chain);
    }

    /** Same options with another channel-per-ciphertext bound. */
    public CompileOptions withMaxChannelsPerCiphertext(int m) {
        return new CompileOptions(merge, m, logN, precisionBits, magnitudeBits, maxSpecialPrimes, chain);
    }

    /** Same options with another bound on the special primes. */
    public CompileOptions withMaxSpecialPrimes(int k) {
        return new CompileOptions(merge, maxChannelsPerCiphertext, logN, precisionBits, magnitudeBits, k, chain);
    }

    /** Same options with another least logit precision. */
    public CompileOptions withPrecisionBits(int bits) {
        return new CompileOptions(merge, maxChannelsPerCiphertext, logN, bits, magnitudeBits, maxSpecialPrimes, chain);
    }

    /** Same options with another default value bound. */
    public CompileOptions withMagnitudeBits(int bits) {
        return new CompileOptions(merge, maxChannelsPerCiphertext, logN, precisionBits, bits, maxSpecialPrimes, chain);
    }

    /** Same options with a fixed ring degree and chain (null chain = select). */
    public CompileOptions withChain(int n, ChainSpec c) {
        return new CompileOptions(merge, maxChannelsPerCiphertext, n, precisionBits, magnitudeBits, maxSpecialPrimes, c);
    }

    /** JSON form; {@link #fromJson} reads it back. */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("merge", merge);
        m.put("max_channels_per_ciphertext", maxChannelsPerCiphertext);
        m.put("log_n", logN);
        m.put("precision_bits", precisionBits);
        m.put("magnitude_bits", magnitudeBits);
        m.put("max_special_primes", maxSpecialPrimes);
        m.put("chain", chain == null ? null : chain.toJson());
        return m;
    }

    /**
     * Reads {@link #toJson()}'s form ({@code max_special_primes} and {@code chain} may be absent: defaults).
     *
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    @SuppressWarnings("unchecked")
    public static CompileOptions fromJson(java.util.Map<String, Object> m) {
        if (!(m.get("merge") instanceof Boolean merge)) {
            throw new IllegalArgumentException("compile options: merge must be a boolean, but was " + m.get("merge"));
        }
        int k = m.get("max_special_primes") == null ? DEFAULT_MAX_SPECIAL_PRIMES : intOf(m, "max_special_primes");
        ChainSpec c = m.get("chain") instanceof java.util.Map<?, ?> cm
                ? ChainSpec.fromJson((java.util.Map<String, Object>) cm) : null;
        return new CompileOptions(merge, intOf(m, "max_channels_per_ciphertext"), intOf(m, "log_n"),
                intOf(m, "precision_bits"), intOf(m, "magnitude_bits"), k, c);
    }

    static int intOf(java.util.Map<String, Object> m, String k) {
        // model files of earlier versions spell log_n "logN"
        Object v = m.containsKey(k) || !k.equals("log_n") ? m.get(k) : m.get("logN");
        if (!(v instanceof Number n) || n.doubleValue() != n.intValue()) {
            throw new IllegalArgumentException("compile options: " + k + " must be an integer, but was " + v);
        }
        return n.intValue();
    }
}
