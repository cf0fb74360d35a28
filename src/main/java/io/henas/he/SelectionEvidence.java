package io.henas.he;

import java.util.List;

/**
 * What the {@link ParameterSelector} knows about a plan's values and errors at one ring degree: either measured by a
 * {@link PlanAnalysis} on calibration inputs with the trained weights, or the documented defaults when the weights
 * are not known (every |value| below {@code 2^magnitudeBits}, every error source reaching the logits amplified by
 * {@code 2^DEFAULT_GROWTH_BITS}). Precomputes the chain-independent part of each logit's variance so that ranking
 * thousands of chains is cheap.
 */
final class SelectionEvidence {
    final int logN;
    final int depth;
    final PlanAnalysis analysis;
    final CompileOptions options;
    /** per logit (over inputs): fresh + round + weight variance at scale 1. */
    private final double[] base;
    /** per logit, per level: key-switch sensitivity times the unit. */
    private final double[][] ks;

    private SelectionEvidence(int logN, int depth, PlanAnalysis analysis, CompileOptions options, double[][] sens) {
        this.logN = logN;
        this.depth = depth;
        this.analysis = analysis;
        this.options = options;
        base = new double[sens.length];
        ks = new double[sens.length][depth + 1];
        for (int j = 0; j < sens.length; j++) {
            double[] s = sens[j];
            base[j] = s[NoiseModel.FRESH] * NoiseModel.unit(NoiseModel.FRESH, logN)
                    + s[NoiseModel.ROUND] * NoiseModel.unit(NoiseModel.ROUND, logN)
                    + s[NoiseModel.WEIGHT] * NoiseModel.unit(NoiseModel.WEIGHT, logN);
            for (int l = 0; l <= depth; l++) {
                ks[j][l] = s[NoiseModel.KS + l] * NoiseModel.unit(NoiseModel.KS, logN);
            }
        }
    }

    /** The documented defaults (weights unknown). */
    static SelectionEvidence defaults(int logN, int depth, CompileOptions o) {
        double g = Math.pow(2, 2.0 * ParameterSelector.DEFAULT_GROWTH_BITS);
        double[] s = new double[NoiseModel.sources(depth)];
        s[NoiseModel.FRESH] = g;
        s[NoiseModel.ROUND] = g;
        s[NoiseModel.WEIGHT] = g;
        for (int l = 0; l <= depth; l++) {
            s[NoiseModel.KS + l] = g / (depth + 1);
        }
        return new SelectionEvidence(logN, depth, null, o, new double[][]{s});
    }

    /** Measured on calibration inputs. */
    static SelectionEvidence of(PlanAnalysis a, CompileOptions o) {
        double[][] all = java.util.Arrays.stream(a.sensitivity()).flatMap(java.util.Arrays::stream)
                .toArray(double[][]::new);
        return new SelectionEvidence(a.logN(), a.depth(), a, o, all);
    }

    boolean calibrated() {
        return analysis != null;
    }

    /**
     * Bound on |value| at a level, before (degree 2) or after (1) rescaling. Defaults: {@code 2^magnitudeBits} at
     * levels 0 and 1 (the logits and the products rescaled into them), {@code 2^(magnitudeBits +
     * HIGH_LEVEL_EXTRA_BITS)} above (intermediate feature maps; their levels have {@code s} more bits per level).
     */
    double maxAbs(int level, int degree) {
        if (analysis != null) {
            return analysis.maxAbsByLevel()[level][degree - 1];
        }
        return Math.pow(2, options.magnitudeBits() + (level <= 1 ? 0 : ParameterSelector.HIGH_LEVEL_EXTRA_BITS));
    }

    double maxAbsLogit() {
        return analysis == null ? Math.pow(2, options.magnitudeBits()) : Math.max(analysis.maxAbsLogit(), 1e-300);
    }

    double maxAbsValue() {
        double m = 0;
        for (int l = 0; l <= depth; l++) {
            m = Math.max(m, Math.max(maxAbs(l, 1), maxAbs(l, 2)));
        }
        return m;
    }

    /** Whether every range of this evidence is within {@code other}'s. */
    boolean rangesWithin(SelectionEvidence other) {
        for (int l = 0; l <= depth; l++) {
            for (int d = 1; d <= 2; d++) {
                if (maxAbs(l, d) > other.maxAbs(l, d)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Bits the logits must have (see {@link PrecisionReport}). */
    double requiredBits() {
        double k = options.precisionBits();
        if (analysis == null) {
            return k;
        }
        double gap = analysis.minLogitGap();
        if (!(gap > 0) || Double.isInfinite(gap)) {
            return gap > 0 ? k : ParameterSelector.MAX_REQUIRED_BITS;
        }
        double argmax = Math.log(12 * maxAbsLogit() / gap) / Math.log(2);
        return Math.max(k, Math.min(ParameterSelector.MAX_REQUIRED_BITS, argmax));
    }

    /** Largest predicted logit variance under a chain. */
    double maxVariance(int scaleBits, List<Integer> primeBits, List<Integer> specialBits, int digitSize) {
        double[] ratio = new double[depth + 1];
        for (int l = 0; l <= depth; l++) {
            ratio[l] = NoiseModel.digitRatio(primeBits, specialBits, digitSize, l);
        }
        double m = 0;
        for (int j = 0; j < base.length; j++) {
            double v = base[j];
            for (int l = 0; l <= depth; l++) {
                v += ks[j][l] * ratio[l];
            }
            m = Math.max(m, v);
        }
        return m * Math.pow(2, -2.0 * scaleBits);
    }

    /** Predicted bits of precision of the logits under a chain. */
    double predictedBits(int scaleBits, List<Integer> primeBits, List<Integer> specialBits, int digitSize) {
        double v = maxVariance(scaleBits, primeBits, specialBits, digitSize);
        return v <= 0 ? Double.POSITIVE_INFINITY : Math.log(maxAbsLogit() / Math.sqrt(v)) / Math.log(2);
    }
}
