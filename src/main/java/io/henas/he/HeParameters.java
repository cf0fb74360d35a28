package io.henas.he;

import java.util.List;

/**
 * CKKS parameters chosen for a plan: a chain {@code q0, q1..qDepth}, {@code k} special primes {@code P} for hybrid
 * key switching with digits of {@code digitSize} data primes, and the precision report they were chosen with.
 *
 * @param logN             ring degree {@code N = 2^logN}
 * @param primeBits        bit sizes of the data primes, {@code q0} first ({@code depth + 1} entries)
 * @param specialPrimeBits bit sizes of the special (key-switching) primes ({@code k >= 1} entries)
 * @param digitSize        data primes per key-switching digit (alpha; SEAL's key switching is {@code k = alpha = 1})
 * @param scaleBits        {@code log2} of the scale; the primes {@code q1..} are this size
 * @param logQp            total modulus bits, data primes plus special primes
 * @param securityBits     estimated security ({@link SecurityTable#securityBits})
 * @param galoisSteps      the rotation steps the plan uses (left rotations in {@code [1, N/2)}), sorted
 * @param precision        predicted and required precision of the logits
 */
public record HeParameters(int logN, List<Integer> primeBits, List<Integer> specialPrimeBits, int digitSize,
                           int scaleBits, int logQp, double securityBits, List<Integer> galoisSteps,
                           PrecisionReport precision) {
    public HeParameters {
        primeBits = List.copyOf(primeBits);
        specialPrimeBits = List.copyOf(specialPrimeBits);
        galoisSteps = List.copyOf(galoisSteps);
        if (logN < 12 || logN > 16) {
            throw new IllegalArgumentException("logN must be in [12, 16], but was " + logN);
        }
        if (specialPrimeBits.isEmpty()) {
            throw new IllegalArgumentException("specialPrimeBits must hold at least one prime, but was empty");
        }
        if (digitSize < 1 || digitSize > primeBits.size()) {
            throw new IllegalArgumentException("digitSize must be in [1, " + primeBits.size() + "], but was "
                    + digitSize);
        }
        int sum = specialPrimeBits.stream().mapToInt(Integer::intValue).sum()
                + primeBits.stream().mapToInt(Integer::intValue).sum();
        if (sum != logQp) {
            throw new IllegalArgumentException("logQp must equal the sum of the prime bits " + sum + ", but was " + logQp);
        }
    }

    /** Multiplicative depth the chain supports (number of rescales). */
    public int depth() {
        return primeBits.size() - 1;
    }

    /** Number of data primes {@code depth + 1}. */
    public int dataPrimes() {
        return primeBits.size();
    }

    /** Number of special primes {@code k}. */
    public int specialPrimes() {
        return specialPrimeBits.size();
    }

    /** Key-switching digits at the top level, {@code ceil(dataPrimes / digitSize)}. */
    public int digits() {
        return (dataPrimes() + digitSize - 1) / digitSize;
    }

    /** Slots per ciphertext, {@code N/2}. */
    public int slots() {
        return 1 << (logN - 1);
    }

    /** All prime sizes: data primes ({@code q0} first) then the special primes. */
    public int[] allPrimeBits() {
        int[] bits = new int[primeBits.size() + specialPrimeBits.size()];
        int i = 0;
        for (int b : primeBits) {
            bits[i++] = b;
        }
        for (int b : specialPrimeBits) {
            bits[i++] = b;
        }
        return bits;
    }

    /**
     * The CKKS parameters of this choice: primes generated from the bit sizes (deterministically), the default scale
     * {@code 2^scaleBits}, the 128-bit bound enforced.
     * Hybrid key switching ({@code k > 1} special primes, digits of {@code digitSize} data primes) when chosen; SEAL's
     * {@code k = alpha = 1} otherwise (the same primes as before hybrid key switching existed, so old chains keep
     * their parameter ids).
     */
    public io.henas.ckks.CkksParameters ckksParameters() {
        return ckksParameters(io.henas.rlwe.Security.HE_STANDARD_128);
    }

    /**
     * The CKKS parameters of this choice under {@code security} (INSECURE_NO_BOUND only for tests on small rings).
     */
    public io.henas.ckks.CkksParameters ckksParameters(io.henas.rlwe.Security security) {
        int[] q = primeBits.stream().mapToInt(Integer::intValue).toArray();
        int[] p = specialPrimeBits.stream().mapToInt(Integer::intValue).toArray();
        return io.henas.ckks.CkksParameters.of(io.henas.ckks.CkksParameters.Literal.fromBits(logN, scaleBits, security,
                q, p, digitSize));
    }

    /** JSON form (for export manifests and reports). */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("log_n", logN);
        m.put("primes", primeBits);
        m.put("special_prime_bits", specialPrimeBits);
        m.put("special_primes", specialPrimes());
        m.put("digit_size", digitSize);
        m.put("digits", digits());
        m.put("scale_bits", scaleBits);
        m.put("log_qp", logQp);
        m.put("security_bits", securityBits);
        m.put("galois_steps", galoisSteps);
        m.put("precision", precision.toJson());
        return m;
    }
}
