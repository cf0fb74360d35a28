package io.henas.ir;

/**
 * One element of an {@link Architecture}: a primitive layer or a mobile-style block. Every layer knows its output shape
 * for a given input shape (validating as it goes) and how it lowers to primitive operations.
 *
 * <p>Convolutions use "same" padding {@code (k - 1) / 2} with odd kernels, so the output size is
 * {@code ceil(size / stride)}.
 */
public sealed interface Layer
        permits Layer.Conv, Layer.DepthwiseConv, Layer.PointwiseConv, Layer.BatchNorm, Layer.Activation,
        Layer.AvgPool, Layer.GlobalAvgPool, Layer.Dense, Layer.Fire, Layer.SeparableBlock, Layer.InvertedResidual {

    /** A short type key, as used in YAML ({@code conv}, {@code fire}, ...). */
    String type();

    /**
     * Adds this layer's primitive operations to {@code g}, reading from node {@code input}, and returns the node that
     * holds its output. Shape errors are thrown as {@link ArchitectureException} naming {@code path}.
     */
    int lower(LoweredNet.Builder g, int input, String path);

    // ----------------------------------------------------------------------------------------------------------
    // primitive layers

    /** A full k x k convolution with {@code channels} output channels and a bias. */
    record Conv(int channels, int kernel, int stride) implements Layer {
        public Conv {
            Checks.positive("conv.channels", channels);
            Checks.kernel("conv.kernel", kernel);
            Checks.stride("conv.stride", stride);
        }

        public String type() { return "conv"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            return g.add(path, new Op.Conv(channels, kernel, stride, false), input);
        }
    }

    /** A depthwise k x k convolution (one filter per channel, channel count unchanged) with a bias. */
    record DepthwiseConv(int kernel, int stride) implements Layer {
        public DepthwiseConv {
            Checks.kernel("depthwise.kernel", kernel);
            Checks.stride("depthwise.stride", stride);
        }

        public String type() { return "depthwise"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            int c = g.shape(input).channels();
            return g.add(path, new Op.Conv(c, kernel, stride, true), input);
        }
    }

    /** A 1x1 convolution with {@code channels} outputs and a bias. */
    record PointwiseConv(int channels) implements Layer {
        public PointwiseConv {
            Checks.positive("pointwise.channels", channels);
        }

        public String type() { return "pointwise"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            return g.add(path, new Op.Conv(channels, 1, 1, false), input);
        }
    }

    /** Batch normalisation over channels (folded into the adjacent linear layer for inference). */
    record BatchNorm() implements Layer {
        public String type() { return "batchnorm"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            return g.add(path, new Op.BatchNorm(), input);
        }
    }

    /** A polynomial activation. */
    record Activation(ActivationKind kind) implements Layer {
        public Activation {
            java.util.Objects.requireNonNull(kind, "activation kind");
        }

        public String type() { return "activation"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            return kind == ActivationKind.NONE ? input : g.add(path, new Op.Act(kind), input);
        }
    }

    /** Average pooling with a {@code size x size} window and stride {@code size}; the map must divide evenly. */
    record AvgPool(int size) implements Layer {
        public AvgPool {
            if (size < 2) {
                throw new ArchitectureException("avgpool.size must be >= 2, but was " + size);
            }
        }

        public String type() { return "avgpool"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            return g.add(path, new Op.AvgPool(size), input);
        }
    }

    /** Global average pooling: C x H x W to C x 1 x 1. */
    record GlobalAvgPool() implements Layer {
        public String type() { return "gap"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            return g.add(path, new Op.GlobalAvgPool(), input);
        }
    }

    /** A fully connected layer over the C-H-W flattened input, with a bias. */
    record Dense(int units) implements Layer {
        public Dense {
            Checks.positive("dense.units", units);
        }

        public String type() { return "dense"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            return g.add(path, new Op.Dense(units), input);
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // blocks

    /**
     * SqueezeNet's Fire module: squeeze 1x1 ({@code squeeze} channels) [-> bn] -> act, then in parallel expand 1x1
     * ({@code expand1}) and expand 3x3 ({@code expand3}), concatenated along channels (1x1 first) [-> bn] -> act.
     * Output channels: {@code expand1 + expand3}.
     */
    record Fire(int squeeze, int expand1, int expand3, ActivationKind activation, boolean batchNorm) implements Layer {
        public Fire {
            Checks.positive("fire.squeeze", squeeze);
            Checks.positive("fire.expand1", expand1);
            Checks.positive("fire.expand3", expand3);
            java.util.Objects.requireNonNull(activation, "fire.activation");
        }

        public String type() { return "fire"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            int s = g.add(path + ".squeeze", new Op.Conv(squeeze, 1, 1, false), input);
            s = g.normAct(path + ".squeeze", s, batchNorm, activation);
            int e1 = g.add(path + ".expand1", new Op.Conv(expand1, 1, 1, false), s);
            int e3 = g.add(path + ".expand3", new Op.Conv(expand3, 3, 1, false), s);
            int cat = g.add(path + ".concat", new Op.Concat(), e1, e3);
            return g.normAct(path + ".out", cat, batchNorm, activation);
        }
    }

    /**
     * A depthwise-separable block (MobileNet v1): depthwise kxk with {@code stride} [-> bn] -> act, then pointwise 1x1
     * to {@code channels} [-> bn] -> act.
     */
    record SeparableBlock(int channels, int kernel, int stride, ActivationKind activation, boolean batchNorm)
            implements Layer {
        public SeparableBlock {
            Checks.positive("separable.channels", channels);
            Checks.kernel("separable.kernel", kernel);
            Checks.stride("separable.stride", stride);
            java.util.Objects.requireNonNull(activation, "separable.activation");
        }

        public String type() { return "separable"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            int c = g.shape(input).channels();
            int d = g.add(path + ".depthwise", new Op.Conv(c, kernel, stride, true), input);
            d = g.normAct(path + ".depthwise", d, batchNorm, activation);
            int p = g.add(path + ".pointwise", new Op.Conv(channels, 1, 1, false), d);
            return g.normAct(path + ".pointwise", p, batchNorm, activation);
        }
    }

    /**
     * MobileNet v2's inverted residual: expand 1x1 to {@code expansion * in} channels [-> bn] -> act, depthwise kxk
     * with {@code stride} [-> bn] -> act, project 1x1 to {@code channels} [-> bn] (linear, no activation), plus the
     * block input when {@code residual} is set. A residual needs stride 1 and {@code channels} equal to the input's.
     * With {@code expansion == 1} the expand convolution is omitted.
     */
    record InvertedResidual(int channels, int expansion, int kernel, int stride, ActivationKind activation,
                            boolean batchNorm, boolean residual) implements Layer {
        public InvertedResidual {
            Checks.positive("inverted.channels", channels);
            Checks.positive("inverted.expansion", expansion);
            Checks.kernel("inverted.kernel", kernel);
            Checks.stride("inverted.stride", stride);
            java.util.Objects.requireNonNull(activation, "inverted.activation");
        }

        public String type() { return "inverted"; }

        public int lower(LoweredNet.Builder g, int input, String path) {
            Shape in = g.shape(input);
            if (residual && (stride != 1 || channels != in.channels())) {
                throw new ArchitectureException(path + ": residual add needs matching shapes, but input is " + in
                        + " and output would be " + channels + "x" + ceilDiv(in.height(), stride) + "x"
                        + ceilDiv(in.width(), stride) + " (residual needs stride 1 and channels == input channels)");
            }
            int x = input;
            if (expansion != 1) {
                x = g.add(path + ".expand", new Op.Conv(in.channels() * expansion, 1, 1, false), x);
                x = g.normAct(path + ".expand", x, batchNorm, activation);
            }
            int c = g.shape(x).channels();
            x = g.add(path + ".depthwise", new Op.Conv(c, kernel, stride, true), x);
            x = g.normAct(path + ".depthwise", x, batchNorm, activation);
            x = g.add(path + ".project", new Op.Conv(channels, 1, 1, false), x);
            x = g.normAct(path + ".project", x, batchNorm, ActivationKind.NONE);
            return residual ? g.add(path + ".add", new Op.Add(), x, input) : x;
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Validation helpers shared by the layer records. */
    final class Checks {
        private Checks() {
        }

        static void positive(String field, int v) {
            if (v < 1) {
                throw new ArchitectureException(field + " must be >= 1, but was " + v);
            }
        }

        static void kernel(String field, int k) {
            if (k < 1 || k % 2 == 0 || k > 15) {
                throw new ArchitectureException(field + " must be odd and in [1, 15], but was " + k);
            }
        }

        static void stride(String field, int s) {
            if (s < 1 || s > 4) {
                throw new ArchitectureException(field + " must be in [1, 4], but was " + s);
            }
        }
    }
}
