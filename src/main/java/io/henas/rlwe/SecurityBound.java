package io.henas.rlwe;

/**
 * The HomomorphicEncryption.org standard's bound on {@code log2(QP)} for 128-bit classical security with a uniform
 * ternary secret and error standard deviation 3.2 (the same table as SEAL's {@code CoeffModulus::MaxBitCount}).
 */
public final class SecurityBound {
    private SecurityBound() {
    }

    /**
     * The largest total bit count of the modulus chain (all data primes plus the special prime) that keeps 128-bit
     * security for ring degree {@code 2^logN}.
     *
     * @param logN in [10, 16]
     * @throws IllegalArgumentException if logN is outside [10, 16]
     */
    public static int maxLogQP(int logN) {
        return switch (logN) {
            case 10 -> 27;
            case 11 -> 54;
            case 12 -> 109;
            case 13 -> 218;
            case 14 -> 438;
            case 15 -> 881;
            case 16 -> 1761;
            default -> throw new IllegalArgumentException("logN must be in [10, 16], but was " + logN);
        };
    }
}
