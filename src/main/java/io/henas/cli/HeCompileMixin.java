package io.henas.cli;

import io.henas.he.CompileOptions;
import picocli.CommandLine.Option;

/**
 * The HE compile options shared by {@code cost}, {@code export} and {@code bench plan}: channels per ciphertext,
 * precision bits and the most special primes. {@link #options(boolean)} validates them into {@link CompileOptions}.
 */
final class HeCompileMixin {
    @Option(names = {"--channels-per-ciphertext", "--max-channels"}, paramLabel = "K", defaultValue = "0",
            description = "Channel maps packed per ciphertext: 0 = as many as fit (default), 1 = one channel per "
                    + "ciphertext (HEMET's layout).")
    int channelsPerCiphertext;

    @Option(names = "--precision-bits", paramLabel = "BITS", defaultValue = "" + CompileOptions.DEFAULT_PRECISION_BITS,
            description = "Least bits of logit precision relative to the largest |logit| (default: ${DEFAULT-VALUE}).")
    int precisionBits;

    @Option(names = "--max-special-primes", paramLabel = "K",
            defaultValue = "" + CompileOptions.DEFAULT_MAX_SPECIAL_PRIMES,
            description = "Most special primes k for key switching; 1 = SEAL's (k = 1, digit size 1), more lets the"
                    + " selector use hybrid key switching (default: ${DEFAULT-VALUE}).")
    int maxSpecialPrimes;

    /** The compile options with coefficient merging {@code merge}; a bad value names its option. */
    CompileOptions options(boolean merge) {
        if (channelsPerCiphertext < 0) {
            throw new IllegalArgumentException("--channels-per-ciphertext must be >= 0, but was "
                    + channelsPerCiphertext);
        }
        if (precisionBits < 4 || precisionBits > 40) {
            throw new IllegalArgumentException("--precision-bits must be in [4, 40], but was " + precisionBits);
        }
        if (maxSpecialPrimes < 1 || maxSpecialPrimes > 8) {
            throw new IllegalArgumentException("--max-special-primes must be in [1, 8], but was " + maxSpecialPrimes);
        }
        return CompileOptions.defaults(merge).withMaxChannelsPerCiphertext(channelsPerCiphertext)
                .withPrecisionBits(precisionBits).withMaxSpecialPrimes(maxSpecialPrimes);
    }
}
