package io.henas.he;

import java.util.List;

/**
 * Predicts the CKKS error of a plan's values from its error sources, in slot units (value error, not scaled).
 *
 * <p>A polynomial error with independent coefficients of variance {@code v} puts an error of variance {@code N v / 2}
 * on the real part of every slot. The sources, as coefficient variances ({@code sigma = 3.2} the RLWE error, secret
 * and encryption randomness uniform ternary with {@code E[s^2] = 2/3}):
 * <ul>
 *   <li>fresh encoding and public-key encryption of the input: {@code 1/12 + sigma^2 (1 + 4N/3)}, at scale
 *       {@code Delta = 2^scaleBits};</li>
 *   <li>rounding of a rescale (and of the mod-down after every key switch): {@code (1 + 2N/3) / 12};</li>
 *   <li>plaintext-weight encoding: the weight polynomial is rounded at scale {@code ~q_l ~ Delta}, so a product
 *       {@code v * w} gains {@code v^2 N / 24 / Delta^2} per slot ({@code 1/12 * v^2 / Delta^2} for a constant);</li>
 *   <li>key switching of a rescaled ciphertext at level {@code l} (rotations): digits {@code d_j} uniform in
 *       {@code [0, D_j)} ({@code D_j} the product of the digit's data primes) times key errors of variance
 *       {@code sigma^2}, divided by {@code P}: {@code N sigma^2 sum_j D_j^2 / (3 P^2)}. The key switch now lifts its
 *       digits centred, to {@code (-D_j/2, D_j/2]} (variance {@code D_j^2 / 12}, a quarter of this); the model keeps
 *       the {@code [0, D_j)} bound, an upper bound, so that the chains selected for exported and committed plans stay
 *       the same ({@code PlanFingerprintTest}); {@code NoiseModelTest} measures 0.7-1.6 bits less error than it
 *       predicts where key switching dominates. Relinearization key switching
 *       happens on products at scale {@code Delta q_l} and is negligible after the rescale.</li>
 * </ul>
 * The tracking backend ({@link NoiseTracker}) propagates per-slot variances through the plan in units of these
 * sources: sums add variances, rotations permute them, a product by {@code w} multiplies by {@code w^2}, a
 * ciphertext product {@code a b} gives {@code b^2 var(a) + a^2 var(b)} (using the simulated values). The predicted
 * variance of a value is then {@code 2^-2s * sum_source sensitivity_source * unit_source}, so one simulation serves
 * every chain at a ring degree. Each source has a calibration factor ({@code *_FACTOR}) fitted against real
 * ciphertext runs ({@code NoiseModelTest}).
 */
public final class NoiseModel {
    /** RLWE error standard deviation (io.henas.ring.Sampler.SIGMA). */
    public static final double SIGMA = io.henas.ring.Sampler.SIGMA;
    /** Source indices of a sensitivity vector; key switching at level l is {@code KS + l}. */
    public static final int FRESH = 0;
    public static final int ROUND = 1;
    public static final int WEIGHT = 2;
    public static final int KS = 3;
    /** Calibration factors (variance multipliers) of the sources, fitted on real ciphertexts. */
    static final double FRESH_FACTOR = 1.0;
    static final double ROUND_FACTOR = 1.0;
    static final double WEIGHT_FACTOR = 1.0;
    static final double KS_FACTOR = 1.0;

    private NoiseModel() {
    }

    /** Number of sources for a plan of {@code depth}. */
    public static int sources(int depth) {
        return KS + depth + 1;
    }

    /** Slot variance of one unit of a source at scale 1 (multiply by {@code 2^-2s}). */
    static double unit(int source, int logN) {
        double n = Math.pow(2, logN);
        return switch (source) {
            case FRESH -> FRESH_FACTOR * n / 2 * (1.0 / 12 + SIGMA * SIGMA * (1 + 4 * n / 3));
            case ROUND -> ROUND_FACTOR * n / 2 * (1 + 2 * n / 3) / 12;
            case WEIGHT -> WEIGHT_FACTOR * n / 24;
            default -> KS_FACTOR * n / 2 * n * SIGMA * SIGMA / 3;
        };
    }

    /**
     * {@code sum_j (D_j / P)^2} of a key switch at {@code level}: digits of {@code digitSize} consecutive data primes
     * among {@code q_0..q_level}, {@code P} the product of the special primes (sizes in bits).
     */
    static double digitRatio(List<Integer> primeBits, List<Integer> specialBits, int digitSize, int level) {
        double logP = specialBits.stream().mapToInt(Integer::intValue).sum();
        double sum = 0;
        for (int j = 0; j <= level; j += digitSize) {
            double logD = 0;
            for (int i = j; i < Math.min(j + digitSize, level + 1); i++) {
                logD += primeBits.get(i);
            }
            sum += Math.pow(2, 2 * (logD - logP));
        }
        return sum;
    }

    /**
     * Predicted variance (slot units) of a value with per-source sensitivities {@code sens} under a chain.
     *
     * @param sens      sensitivities, {@link #sources}{@code (depth)} entries
     * @param primeBits data primes, {@code q0} first
     */
    public static double variance(double[] sens, int logN, int scaleBits, List<Integer> primeBits,
                                  List<Integer> specialBits, int digitSize) {
        double v = sens[FRESH] * unit(FRESH, logN) + sens[ROUND] * unit(ROUND, logN) + sens[WEIGHT] * unit(WEIGHT, logN);
        double ks = unit(KS, logN);
        for (int l = 0; KS + l < sens.length; l++) {
            if (sens[KS + l] != 0) {
                v += sens[KS + l] * ks * digitRatio(primeBits, specialBits, digitSize, l);
            }
        }
        return v * Math.pow(2, -2.0 * scaleBits);
    }
}
