package io.henas.ir;

import java.util.List;

/**
 * A primitive operation of a {@link LoweredNet}. The trainer maps each to a DL4J layer or vertex; the HE plan compiler
 * maps each to CKKS operations. Semantics (shared by both, exactly):
 * <ul>
 *   <li>{@link Conv}: cross-correlation with zero padding {@code (k-1)/2} on each side, output size
 *       {@code ceil(n / stride)}; weights {@code [out][in][k][k]} (depthwise: {@code [c][1][k][k]}) and a bias per
 *       output channel.</li>
 *   <li>{@link BatchNorm}: {@code gamma * (x - mean) / sqrt(var + eps) + beta} per channel, eps = 1e-5.</li>
 *   <li>{@link Act}: per element; POLY2 has coefficients a, b, c per channel.</li>
 *   <li>{@link AvgPool}: mean over non-overlapping {@code size x size} windows (the map must divide evenly).</li>
 *   <li>{@link Dense}: {@code W x + b} over the C-H-W flattened input, {@code W} is {@code [units][inputs]}.</li>
 *   <li>{@link Concat}: channels of the inputs in order; {@link Add}: element-wise sum of equal shapes.</li>
 * </ul>
 */
public sealed interface Op permits Op.Input, Op.Conv, Op.BatchNorm, Op.Act, Op.AvgPool, Op.GlobalAvgPool, Op.Dense,
        Op.Concat, Op.Add {

    /** Output shape for the given input shapes; throws {@link ArchitectureException} prefixed by {@code path}. */
    Shape outputShape(List<Shape> in, String path);

    /** Number of trainable parameters for the given input shapes. */
    long parameters(List<Shape> in);

    /** The network input. */
    record Input(Shape shape) implements Op {
        public Shape outputShape(List<Shape> in, String path) { return shape; }

        public long parameters(List<Shape> in) { return 0; }
    }

    /** Convolution; {@code depthwise} means one filter per channel and {@code channels} equal to the input's. */
    record Conv(int channels, int kernel, int stride, boolean depthwise) implements Op {
        public Shape outputShape(List<Shape> in, String path) {
            Shape s = single(in, path);
            if (depthwise && channels != s.channels()) {
                throw new ArchitectureException(path + ": depthwise conv keeps channels, but " + channels + " != " + s.channels());
            }
            if (kernel > 1 && (s.height() < (kernel + 1) / 2 || s.width() < (kernel + 1) / 2)) {
                throw new ArchitectureException(path + ": kernel " + kernel + " is too large for a " + s.height() + "x"
                        + s.width() + " map");
            }
            return new Shape(channels, ceilDiv(s.height(), stride), ceilDiv(s.width(), stride));
        }

        public long parameters(List<Shape> in) {
            long k2 = (long) kernel * kernel;
            return depthwise ? channels * k2 + channels : (long) in.getFirst().channels() * channels * k2 + channels;
        }
    }

    /** Batch normalisation. */
    record BatchNorm() implements Op {
        public Shape outputShape(List<Shape> in, String path) { return single(in, path); }

        public long parameters(List<Shape> in) { return 2L * in.getFirst().channels(); }
    }

    /** A polynomial activation (never {@link ActivationKind#NONE} in a lowered net). */
    record Act(ActivationKind kind) implements Op {
        public Act {
            if (kind == ActivationKind.NONE) {
                throw new ArchitectureException("a lowered activation cannot be 'none'");
            }
        }

        public Shape outputShape(List<Shape> in, String path) { return single(in, path); }

        public long parameters(List<Shape> in) {
            return kind == ActivationKind.POLY2 ? 3L * in.getFirst().channels() : 0;
        }
    }

    /** Average pooling with window and stride {@code size}. */
    record AvgPool(int size) implements Op {
        public Shape outputShape(List<Shape> in, String path) {
            Shape s = single(in, path);
            if (s.height() % size != 0 || s.width() % size != 0) {
                throw new ArchitectureException(path + ": avgpool size " + size + " must divide the " + s.height() + "x"
                        + s.width() + " map");
            }
            return new Shape(s.channels(), s.height() / size, s.width() / size);
        }

        public long parameters(List<Shape> in) { return 0; }
    }

    /** Global average pooling. */
    record GlobalAvgPool() implements Op {
        public Shape outputShape(List<Shape> in, String path) {
            return new Shape(single(in, path).channels(), 1, 1);
        }

        public long parameters(List<Shape> in) { return 0; }
    }

    /** Fully connected layer with {@code units} outputs, shaped {@code units x 1 x 1}. */
    record Dense(int units) implements Op {
        public Shape outputShape(List<Shape> in, String path) {
            single(in, path);
            return new Shape(units, 1, 1);
        }

        public long parameters(List<Shape> in) { return (long) in.getFirst().size() * units + units; }
    }

    /** Channel concatenation of two or more maps of equal spatial size. */
    record Concat() implements Op {
        public Shape outputShape(List<Shape> in, String path) {
            if (in.size() < 2) {
                throw new ArchitectureException(path + ": concat needs >= 2 inputs, but had " + in.size());
            }
            int c = 0;
            for (Shape s : in) {
                if (s.height() != in.getFirst().height() || s.width() != in.getFirst().width()) {
                    throw new ArchitectureException(path + ": concat needs equal spatial sizes, but had " + in);
                }
                c += s.channels();
            }
            return in.getFirst().withChannels(c);
        }

        public long parameters(List<Shape> in) { return 0; }
    }

    /** Element-wise sum of two maps of equal shape (a residual connection). */
    record Add() implements Op {
        public Shape outputShape(List<Shape> in, String path) {
            if (in.size() != 2 || !in.get(0).equals(in.get(1))) {
                throw new ArchitectureException(path + ": residual add needs two inputs of the same shape, but had " + in);
            }
            return in.getFirst();
        }

        public long parameters(List<Shape> in) { return 0; }
    }

    private static Shape single(List<Shape> in, String path) {
        if (in.size() != 1) {
            throw new ArchitectureException(path + ": expects one input, but had " + in.size());
        }
        return in.getFirst();
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
