package io.henas.rlwe;

import io.henas.ring.BasisExtension;

/**
 * Basis-extension tables of hybrid key switching for one parameter set, built once per {@link RlweParameters}: for
 * each digit {@code j} and each length of its prime run (the last digit at a level may be cut short), the extension
 * from those data primes; and the extension from the special primes (for the ModDown). Immutable.
 */
final class KeySwitchTables {
    private final int alpha;
    private final int maxLevel;
    /** digit[j][e]: source q_{j*alpha} .. q_{j*alpha+e}. */
    private final BasisExtension[][] digit;
    private final BasisExtension special;

    KeySwitchTables(RlweParameters params) {
        this.alpha = params.digitSize();
        this.maxLevel = params.maxLevel();
        int primes = maxLevel + 1;
        int dnum = params.digitCount(maxLevel);
        digit = new BasisExtension[dnum][];
        for (int j = 0; j < dnum; j++) {
            int from = j * alpha;
            int len = Math.min(alpha, primes - from);
            digit[j] = new BasisExtension[len];
            for (int e = 0; e < len; e++) {
                digit[j][e] = new BasisExtension(params.ring(), from, from + e + 1);
            }
        }
        special = new BasisExtension(params.ring(), params.pIndex(), params.pIndex() + params.specialPrimeCount());
    }

    /** The extension of digit {@code j} at ciphertext level {@code l}. */
    BasisExtension digit(int j, int l) {
        int from = j * alpha;
        return digit[j][Math.min(alpha, l + 1 - from) - 1];
    }

    /** The extension from the special primes. */
    BasisExtension special() {
        return special;
    }
}
