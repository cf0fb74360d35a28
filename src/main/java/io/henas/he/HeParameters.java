package io.henas.he;

import java.util.List;

/**
 * CKKS parameters chosen for a plan: a chain {@code q0, q1..qDepth} plus one special prime for key switching.
 *
 * @param logN              ring degree {@code N = 2^logN}
 * @param primeBits         bit sizes of the data primes, {@code q0} first ({@code depth + 1} entries)
 * @param specialPrimeBits  bit size of the special (key-switching) prime
 * @param scaleBits         {@code log2} of the scale; the primes {@code q1..} are this size
 * @param logQp             total modulus bits, data primes plus the special prime
 * @param securityBits      estimated security ({@link SecurityTable#securityBits})
 * @param galoisSteps       the rotation steps the plan uses (left rotations in {@code [1, N/2)}), sorted
 */
public record HeParameters(int logN, List<Integer> primeBits, int specialPrimeBits, int scaleBits, int logQp,
                           double securityBits, List<Integer> galoisSteps) {
    public HeParameters {
        primeBits = List.copyOf(primeBits);
        galoisSteps = List.copyOf(galoisSteps);
        if (logN < 12 || logN > 16) {
            throw new IllegalArgumentException("logN must be in [12, 16], but was " + logN);
        }
        int sum = specialPrimeBits + primeBits.stream().mapToInt(Integer::intValue).sum();
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

    /** Slots per ciphertext, {@code N/2}. */
    public int slots() {
        return 1 << (logN - 1);
    }

    /**
     * The CKKS parameters of this choice: primes generated from the bit sizes (deterministically), the default scale
     * {@code 2^scaleBits}, the 128-bit bound enforced.
     */
    public io.henas.ckks.CkksParameters ckksParameters() {
        int[] bits = new int[primeBits.size() + 1];
        for (int i = 0; i < primeBits.size(); i++) {
            bits[i] = primeBits.get(i);
        }
        bits[bits.length - 1] = specialPrimeBits;
        return io.henas.ckks.CkksParameters.of(io.henas.ckks.CkksParameters.Literal.fromBits(logN, scaleBits,
                io.henas.rlwe.Security.HE_STANDARD_128, bits));
    }

    /** JSON form (for export manifests and reports). */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("logN", logN);
        m.put("primes", primeBits);
        m.put("special_prime_bits", specialPrimeBits);
        m.put("scale_bits", scaleBits);
        m.put("log_qp", logQp);
        m.put("security_bits", securityBits);
        m.put("galois_steps", galoisSteps);
        return m;
    }
}
