package io.henas.ir;

/**
 * The reference forward pass of a {@link LoweredNet} in double arithmetic: the exact semantics that the trainer's
 * DL4J graph, the folded weights and the HE plan must all reproduce (see {@link Op}). Batch-norm uses its running
 * statistics (inference mode). Slow and simple on purpose.
 */
public final class PlainForward {
    /** Batch-norm epsilon, as in DL4J's default. */
    public static final double BN_EPS = 1e-5;

    private PlainForward() {
    }

    /**
     * Runs the network on one input in C-H-W order and returns the output node's values (the logits).
     *
     * @throws ArchitectureException if the input size or the weights do not fit the network
     */
    public static double[] logits(LoweredNet net, NetWeights w, double[] input) {
        Shape inShape = net.node(0).shape();
        if (input.length != inShape.size()) {
            throw new ArchitectureException("input must have " + inShape.size() + " values (" + inShape + "), but had "
                    + input.length);
        }
        double[][] values = new double[net.nodes().size()][];
        values[0] = input.clone();
        for (LoweredNet.Node n : net.nodes()) {
            if (n.id() == 0) {
                continue;
            }
            double[] x = values[n.inputs().getFirst()];
            Shape s = net.node(n.inputs().getFirst()).shape();
            values[n.id()] = switch (n.op()) {
                case Op.Input i -> throw new ArchitectureException("input node inside the graph: " + n.name());
                case Op.Conv c -> conv(x, s, n.shape(), c, w.get(n.name(), "W"), w.get(n.name(), "bias"));
                case Op.Dense d -> dense(x, d.units(), w.get(n.name(), "W"), w.get(n.name(), "bias"));
                case Op.BatchNorm b -> batchNorm(x, s, w, n.name());
                case Op.Act a -> act(x, s, a.kind(), w, n.name());
                case Op.AvgPool p -> avgPool(x, s, p.size());
                case Op.GlobalAvgPool g -> avgPool(x, s, s.height(), s.width());
                case Op.Concat c -> {
                    double[] out = new double[n.shape().size()];
                    int off = 0;
                    for (int id : n.inputs()) {
                        System.arraycopy(values[id], 0, out, off, values[id].length);
                        off += values[id].length;
                    }
                    yield out;
                }
                case Op.Add a -> {
                    double[] y = values[n.inputs().get(1)];
                    double[] out = x.clone();
                    for (int i = 0; i < out.length; i++) {
                        out[i] += y[i];
                    }
                    yield out;
                }
            };
        }
        return values[net.output()].clone();
    }

    static double[] conv(double[] x, Shape in, Shape out, Op.Conv c, Tensor wt, Tensor bias) {
        int k = c.kernel();
        int pad = (k - 1) / 2;
        int inPerGroup = c.depthwise() ? 1 : in.channels();
        double[] y = new double[out.size()];
        for (int o = 0; o < out.channels(); o++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    double acc = bias.at(o);
                    for (int j = 0; j < inPerGroup; j++) {
                        int ic = c.depthwise() ? o : j;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * c.stride() + ky - pad;
                            if (iy < 0 || iy >= in.height()) {
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * c.stride() + kx - pad;
                                if (ix < 0 || ix >= in.width()) {
                                    continue;
                                }
                                acc += wt.at(((o * inPerGroup + j) * k + ky) * k + kx)
                                        * x[(ic * in.height() + iy) * in.width() + ix];
                            }
                        }
                    }
                    y[(o * out.height() + oy) * out.width() + ox] = acc;
                }
            }
        }
        return y;
    }

    static double[] dense(double[] x, int units, Tensor wt, Tensor bias) {
        double[] y = new double[units];
        for (int u = 0; u < units; u++) {
            double acc = bias.at(u);
            for (int i = 0; i < x.length; i++) {
                acc += wt.at(u * x.length + i) * x[i];
            }
            y[u] = acc;
        }
        return y;
    }

    static double[] batchNorm(double[] x, Shape s, NetWeights w, String node) {
        Tensor g = w.get(node, "gamma");
        Tensor b = w.get(node, "beta");
        Tensor m = w.get(node, "mean");
        Tensor v = w.get(node, "var");
        double[] y = new double[x.length];
        int hw = s.height() * s.width();
        for (int c = 0; c < s.channels(); c++) {
            double scale = g.at(c) / Math.sqrt(v.at(c) + BN_EPS);
            for (int i = 0; i < hw; i++) {
                y[c * hw + i] = scale * (x[c * hw + i] - m.at(c)) + b.at(c);
            }
        }
        return y;
    }

    static double[] act(double[] x, Shape s, ActivationKind kind, NetWeights w, String node) {
        double[] y = new double[x.length];
        int hw = s.height() * s.width();
        for (int c = 0; c < s.channels(); c++) {
            double a = 1;
            double b = 0;
            double k = 0;
            if (kind == ActivationKind.POLY2) {
                a = w.get(node, "a").at(c);
                b = w.get(node, "b").at(c);
                k = w.get(node, "c").at(c);
            }
            for (int i = 0; i < hw; i++) {
                double v = x[c * hw + i];
                y[c * hw + i] = a * v * v + b * v + k;
            }
        }
        return y;
    }

    static double[] avgPool(double[] x, Shape s, int size) {
        return avgPool(x, s, size, size);
    }

    private static double[] avgPool(double[] x, Shape s, int ph, int pw) {
        int oh = s.height() / ph;
        int ow = s.width() / pw;
        double[] y = new double[s.channels() * oh * ow];
        double inv = 1.0 / (ph * pw);
        for (int c = 0; c < s.channels(); c++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = 0;
                    for (int dy = 0; dy < ph; dy++) {
                        for (int dx = 0; dx < pw; dx++) {
                            acc += x[(c * s.height() + oy * ph + dy) * s.width() + ox * pw + dx];
                        }
                    }
                    y[(c * oh + oy) * ow + ox] = acc * inv;
                }
            }
        }
        return y;
    }
}
