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

    /** Same options with another channel-per-ciphertext bound. */
    public CompileOptions withMaxChannelsPerCiphertext(int m) {
        return new CompileOptions(merge, m, logN, precisionBits, magnitudeBits);
    }
}
