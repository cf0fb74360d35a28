package io.henas.he;

import java.util.ArrayList;
import java.util.List;

/**
 * What the plaintext simulation of a bound plan tells the {@link ParameterSelector} on calibration inputs: the logits,
 * the value ranges (largest |value| per plan node and per level) and, per logit, the {@link NoiseModel} sensitivity
 * to each error source. The values do not depend on the chain, so one analysis ranks every chain at its ring degree.
 *
 * @param logN          ring degree of the analysed plan
 * @param depth         plan depth
 * @param logits        per input, the plaintext logits
 * @param sensitivity   per input, per logit, per source ({@link NoiseModel#sources})
 * @param maxAbsByNode  largest |value| any register of each node held, over all inputs
 * @param maxAbsByLevel [level][degree - 1]: largest |value| held at that level before (2) and after (1) rescaling
 */
public record PlanAnalysis(int logN, int depth, double[][] logits, double[][][] sensitivity, double[] maxAbsByNode,
                           double[][] maxAbsByLevel) {

    /**
     * Runs the plan of {@code binding} on each input (C-H-W order).
     *
     * @throws IllegalArgumentException if there is no input
     */
    public static PlanAnalysis run(PlanBinding binding, List<double[]> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one input, but had none");
        }
        HePlan plan = binding.plan();
        NoiseTracker tracker = new NoiseTracker(binding);
        int sources = NoiseModel.sources(plan.depth());
        List<double[]> logits = new ArrayList<>();
        List<double[][]> sens = new ArrayList<>();
        for (double[] x : inputs) {
            List<NoiseTracker.Reg> in = new ArrayList<>();
            for (double[] v : binding.packInput(x)) {
                in.add(tracker.input(v));
            }
            PlanRunner.Result<NoiseTracker.Reg> r = PlanRunner.run(plan, tracker, in);
            int regs = r.outputs().size();
            double[][] vals = new double[regs][];
            double[][] zero = new double[regs][plan.slots()];
            for (int k = 0; k < regs; k++) {
                vals[k] = r.outputs().get(k).s.v;
            }
            double[] out = binding.unpackOutput(vals);
            double[] base = binding.unpackOutput(zero);
            double[][] s = new double[out.length][sources];
            for (int src = 0; src < sources; src++) {
                double[][] sd = new double[regs][];
                for (int k = 0; k < regs; k++) {
                    double[] var = r.outputs().get(k).var[src];
                    sd[k] = new double[plan.slots()];
                    if (var != null) {
                        for (int t = 0; t < var.length; t++) {
                            sd[k][t] = Math.sqrt(var[t]);
                        }
                    }
                }
                double[] o = binding.unpackOutput(sd); // the output affine scales each logit's error
                for (int j = 0; j < out.length; j++) {
                    s[j][src] = (o[j] - base[j]) * (o[j] - base[j]);
                }
            }
            logits.add(out);
            sens.add(s);
        }
        return new PlanAnalysis(plan.logN(), plan.depth(), logits.toArray(double[][]::new),
                sens.toArray(double[][][]::new), tracker.maxAbsByNode.clone(), tracker.maxAbsByLevel);
    }

    /** Largest |logit| over the inputs. */
    public double maxAbsLogit() {
        double m = 0;
        for (double[] l : logits) {
            for (double x : l) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }

    /** Smallest top-1 minus top-2 logit over the inputs (+infinity with one class). */
    public double minLogitGap() {
        double g = Double.POSITIVE_INFINITY;
        for (double[] l : logits) {
            double a = Double.NEGATIVE_INFINITY;
            double b = Double.NEGATIVE_INFINITY;
            for (double x : l) {
                if (x > a) {
                    b = a;
                    a = x;
                } else if (x > b) {
                    b = x;
                }
            }
            if (l.length > 1) {
                g = Math.min(g, a - b);
            }
        }
        return g;
    }

    /** Largest |value| any register slot held. */
    public double maxAbsValue() {
        double m = 0;
        for (double[] l : maxAbsByLevel) {
            m = Math.max(m, Math.max(l[0], l[1]));
        }
        return m;
    }

    /** Largest predicted logit variance (slot units) over inputs and logits, under a chain. */
    public double maxVariance(int scaleBits, List<Integer> primeBits, List<Integer> specialBits, int digitSize) {
        double m = 0;
        for (double[][] img : sensitivity) {
            for (double[] s : img) {
                m = Math.max(m, NoiseModel.variance(s, logN, scaleBits, primeBits, specialBits, digitSize));
            }
        }
        return m;
    }

    /** Predicted variance of logit {@code j} of input {@code i} under a chain. */
    public double variance(int i, int j, int scaleBits, List<Integer> primeBits, List<Integer> specialBits,
                           int digitSize) {
        return NoiseModel.variance(sensitivity[i][j], logN, scaleBits, primeBits, specialBits, digitSize);
    }
}
