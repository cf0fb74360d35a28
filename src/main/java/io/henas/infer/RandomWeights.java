package io.henas.infer;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.PlainForward;
import io.henas.ir.Shape;
import io.henas.ir.Tensor;

/**
 * Seeded random weights for timing a network under encryption when no trained model exists: convolution and dense
 * weights uniform in {@code +-sqrt(3 / fan_in)} (variance preserving), small biases, and every batch-norm set to the
 * per-channel mean and variance its input actually has on a calibration input, so each activation sees values of
 * about unit size and a deep stack of squares neither vanishes nor overflows the plan's magnitude headroom.
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    /** A seeded random input in [-1, 1] of {@code shape} (C-H-W order). */
    public static double[] input(Shape shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-1, 1);
        }
        return x;
    }

    /**
     * Weights for every parameter of {@code net}.
     *
     * @param calibration an input (C-H-W order) on which the batch-norm statistics are measured
     * @throws IllegalArgumentException if the calibration input does not fit the network
     */
    public static NetWeights of(LoweredNet net, double[] calibration, long seed) {
        if (calibration.length != net.node(0).shape().size()) {
            throw new IllegalArgumentException("calibration input must have " + net.node(0).shape().size()
                    + " values (" + net.node(0).shape() + "), but had " + calibration.length);
        }
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> t = new HashMap<>();
        for (LoweredNet.Node n : net.nodes()) {
            Shape in = n.inputs().isEmpty() ? null : net.node(n.inputs().getFirst()).shape();
            switch (n.op()) {
                case Op.Conv c -> {
                    int inC = c.depthwise() ? 1 : in.channels();
                    double sc = Math.sqrt(3.0 / (inC * c.kernel() * c.kernel()));
                    t.put(NetWeights.key(n.name(), "W"), uniform(r, sc, c.channels(), inC, c.kernel(), c.kernel()));
                    t.put(NetWeights.key(n.name(), "bias"), uniform(r, 0.1, c.channels()));
                }
                case Op.Dense d -> {
                    t.put(NetWeights.key(n.name(), "W"), uniform(r, Math.sqrt(3.0 / in.size()), d.units(), in.size()));
                    t.put(NetWeights.key(n.name(), "bias"), uniform(r, 0.1, d.units()));
                }
                case Op.BatchNorm b -> {
                    // Statistics of the input on the calibration image: every earlier weight is already set.
                    LoweredNet prefix = new LoweredNet(net.nodes().subList(0, n.inputs().getFirst() + 1),
                            n.inputs().getFirst());
                    double[] x = PlainForward.logits(prefix, new NetWeights(t), calibration);
                    int c = in.channels();
                    int hw = in.height() * in.width();
                    double[] mean = new double[c];
                    double[] var = new double[c];
                    double[] gamma = new double[c];
                    double[] beta = new double[c];
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        double s2 = 0;
                        for (int k = 0; k < hw; k++) {
                            double v = x[ch * hw + k];
                            s += v;
                            s2 += v * v;
                        }
                        mean[ch] = s / hw;
                        var[ch] = Math.max(1e-3, s2 / hw - mean[ch] * mean[ch]);
                        gamma[ch] = 1 + r.nextDouble(-0.1, 0.1);
                        beta[ch] = r.nextDouble(-0.1, 0.1);
                    }
                    t.put(NetWeights.key(n.name(), "gamma"), new Tensor(new int[]{c}, gamma));
                    t.put(NetWeights.key(n.name(), "beta"), new Tensor(new int[]{c}, beta));
                    t.put(NetWeights.key(n.name(), "mean"), new Tensor(new int[]{c}, mean));
                    t.put(NetWeights.key(n.name(), "var"), new Tensor(new int[]{c}, var));
                }
                case Op.Act a when a.kind() == ActivationKind.POLY2 -> {
                    int c = in.channels();
                    t.put(NetWeights.key(n.name(), "a"), shifted(r, 0.25, 0.1, c));
                    t.put(NetWeights.key(n.name(), "b"), shifted(r, 0.5, 0.1, c));
                    t.put(NetWeights.key(n.name(), "c"), uniform(r, 0.1, c));
                }
                default -> {
                }
            }
        }
        NetWeights w = new NetWeights(t);
        w.validateFor(net);
        return w;
    }

    private static Tensor uniform(SplittableRandom r, double scale, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(-scale, scale);
        }
        return new Tensor(shape, v);
    }

    private static Tensor shifted(SplittableRandom r, double center, double spread, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = center + r.nextDouble(-spread, spread);
        }
        return new Tensor(new int[]{n}, v);
    }
}
