package io.henas.he;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the smallest ring degree whose 128-bit-secure modulus chain holds a plan's depth at the required precision.
 *
 * <p>The rule (documented for reproducibility):
 * <ul>
 *   <li>scale bits {@code s = clamp(precisionBits + ceil(logN / 2) + 6, 20, 50)}: CKKS encoding and rescaling add
 *       an error of about {@code sqrt(N)} times a small constant per slot, and accumulating up to ~{@code 2^10}
 *       products grows it by another few bits ({@code +6}); the logits keep {@code precisionBits} bits above it;</li>
 *   <li>first prime {@code q0 = min(60, s + magnitudeBits + 1)}: the last level holds the logits at scale {@code 2^s}
 *       and needs room for {@code |value| < 2^magnitudeBits} plus the sign;</li>
 *   <li>special prime {@code = max(q0, s)} bits (hybrid key switching with one special prime needs
 *       {@code P >= max q_i} to keep key-switching noise below the scale);</li>
 *   <li>{@code logQP = q0 + depth * s + special <= SecurityTable.maxLogQp128(logN)}, and the plan's block
 *       ({@code nextPow2(H * W)} of the input map) must fit in {@code N/2} slots.</li>
 * </ul>
 */
public final class ParameterSelector {
    /** Smallest and largest ring degrees considered. */
    public static final int MIN_LOG_N = 12;
    public static final int MAX_LOG_N = 16;

    private ParameterSelector() {
    }

    /** Scale bits for a ring degree. */
    public static int scaleBits(int logN, CompileOptions o) {
        return Math.clamp(o.precisionBits() + (logN + 1) / 2 + 6, 20, 50);
    }

    /** Parameters for {@code depth} at ring degree {@code logN} (not checked against the bound). */
    public static HeParameters at(int logN, int depth, CompileOptions o, List<Integer> galoisSteps) {
        int s = scaleBits(logN, o);
        int q0 = Math.min(60, s + o.magnitudeBits() + 1);
        int special = Math.max(q0, s);
        List<Integer> primes = new ArrayList<>();
        primes.add(q0);
        for (int i = 0; i < depth; i++) {
            primes.add(s);
        }
        int logQp = q0 + depth * s + special;
        return new HeParameters(logN, primes, special, s, logQp, SecurityTable.securityBits(logN, logQp), galoisSteps);
    }

    /** Whether parameters at {@code logN} hold {@code depth} at 128 bits and the block fits the slots. */
    public static boolean fits(int logN, int depth, int minBlock, CompileOptions o) {
        return minBlock <= (1 << (logN - 1)) && at(logN, depth, o, List.of()).logQp() <= SecurityTable.maxLogQp128(logN);
    }

    /**
     * The smallest {@code logN} in [12, 16] that fits.
     *
     * @throws HeCompileException if none does, naming the depth and the largest chain allowed
     */
    public static int smallestLogN(int depth, int minBlock, CompileOptions o) {
        for (int logN = MIN_LOG_N; logN <= MAX_LOG_N; logN++) {
            if (fits(logN, depth, minBlock, o)) {
                return logN;
            }
        }
        HeParameters p = at(MAX_LOG_N, depth, o, List.of());
        if (minBlock > (1 << (MAX_LOG_N - 1))) {
            throw new HeCompileException("an input map of " + minBlock + " slots (rounded to a power of two) must fit in "
                    + (1 << (MAX_LOG_N - 1)) + " slots (N = 2^16), but does not: shrink the input");
        }
        throw new HeCompileException("depth " + depth + " needs log QP = " + p.logQp() + " bits at N = 2^16 (scale 2^"
                + p.scaleBits() + "), but 128-bit security allows at most " + SecurityTable.maxLogQp128(MAX_LOG_N)
                + ": reduce the number of activations or merge coefficients");
    }
}
