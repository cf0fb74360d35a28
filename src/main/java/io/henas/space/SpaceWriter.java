package io.henas.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;

/**
 * Writes an {@link Architecture} as a fixed space file (every value single), so a searched model can be costed,
 * trained or compared with {@code henas cost|train FILE.yaml}. Loading the text back gives the same layers:
 * {@code SpaceLoader.parse(SpaceWriter.fixedYaml(a, space), f).fixed().layers().equals(a.layers())}.
 *
 * <p>Every architecture that {@link SearchSpace#decode} or {@link SearchSpace#fixed} returns can be written. Other
 * architectures can when they follow the schema's shape: blocks ({@code conv}, {@code depthwise}, {@code pointwise}
 * each with optional batch-norm and activation after them, {@code separable}, {@code fire} with equal expands,
 * {@code inverted}), average pooling in [2, 4] only after a block, and a head (1x1 conv to the classes + global
 * average pooling; or [global average pooling] [hidden dense [bn] [act]] dense to the classes).
 */
public final class SpaceWriter {
    private SpaceWriter() {
    }

    /**
     * The architecture as a fixed space on {@code space}'s dataset, with its training budgets and HE settings.
     *
     * @throws IllegalArgumentException if the architecture does not fit the schema (the message names the layer)
     */
    public static String fixedYaml(Architecture a, SearchSpace space) {
        Objects.requireNonNull(space, "space");
        if (!a.input().equals(space.input()) || a.classes() != space.classes()) {
            throw new IllegalArgumentException("architecture " + a.name() + " has input " + a.input() + " and "
                    + a.classes() + " classes, but space " + space.name() + " has " + space.input() + " and "
                    + space.classes());
        }
        StringBuilder sb = new StringBuilder(body(a, space.datasetInfo(), "from space " + space.name()
                + " (sha256 " + space.sha256() + ")"));
        sb.append("\ntrain:\n");
        budget(sb, "proxy", space.proxy());
        budget(sb, "full", space.full());
        sb.append("\nhe:\n  merge: ").append(space.he().merge()).append('\n');
        if (!space.he().packing().equals("single")) {
            sb.append("  packing: ").append(space.he().packing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The architecture as a fixed space on the dataset with key {@code dataset} ({@code fashion-mnist} or
     * {@code cifar10}), with default budgets and settings.
     *
     * @throws IllegalArgumentException if the dataset is unknown, does not match the architecture's input, or the
     *                                  architecture does not fit the schema
     */
    public static String fixedYaml(Architecture a, String dataset) {
        Dataset d = Dataset.byKey(dataset);
        if (d == null) {
            throw new IllegalArgumentException("dataset must be one of [fashion-mnist, cifar10], but was '" + dataset + "'");
        }
        if (!a.input().equals(d.input()) || a.classes() != d.classes()) {
            throw new IllegalArgumentException("architecture " + a.name() + " has input " + a.input() + " and "
                    + a.classes() + " classes, but dataset " + dataset + " has " + d.input() + " and " + d.classes());
        }
        return body(a, d, "");
    }

    private static String body(Architecture a, Dataset d, String origin) {
        List<Layer> layers = a.layers();
        int headStart = headStart(a);
        StringBuilder sb = new StringBuilder();
        sb.append("# Fixed architecture written by henas").append(origin.isEmpty() ? "" : ", " + origin).append('\n');
        sb.append("# canonical key: ").append(SearchSpace.canonicalKey(a)).append('\n');
        sb.append("name: ").append(safeName(a.name())).append('\n');
        sb.append("dataset: ").append(d.key()).append('\n');
        sb.append("input: [").append(d.input().channels()).append(", ").append(d.input().height()).append(", ")
                .append(d.input().width()).append("]\n");
        sb.append("classes: ").append(d.classes()).append('\n');
        Dataset.Preprocessing pre = d.preprocessing();
        if (!pre.isNone()) {
            sb.append("preprocessing:\n  scale: ").append(pre.scale()).append('\n');
            if (!pre.mean().isEmpty()) {
                sb.append("  mean: ").append(pre.mean()).append("\n  std: ").append(pre.std()).append('\n');
            }
            if (pre.resize()) {
                sb.append("  resize: true\n");
            }
        }
        sb.append("\nstages:\n");
        boolean stageOpen = false;
        int blocks = 0;
        int i = 0;
        while (i < headStart) {
            Layer l = layers.get(i);
            if (l instanceof Layer.Activation act && act.kind() == ActivationKind.NONE) {
                i++;
                continue;
            }
            if (l instanceof Layer.AvgPool p) {
                if (!stageOpen) {
                    throw unsupported(a, i, "average pooling must follow a block (a stage's pool), not another pool"
                            + " or the input");
                }
                if (p.size() > 4) {
                    throw unsupported(a, i, "average pooling window must be in [2, 4], but was " + p.size());
                }
                sb.append("    pool: ").append(p.size()).append('\n');
                stageOpen = false;
                i++;
                continue;
            }
            if (!stageOpen) {
                sb.append("  - blocks:\n");
                stageOpen = true;
            }
            StringBuilder block = new StringBuilder();
            i = block(a, i, headStart, block);
            sb.append("      - {").append(block).append("}\n");
            blocks++;
        }
        if (blocks == 0) {
            throw unsupported(a, 0, "a space needs at least one block before the head");
        }
        sb.append("\nhead:\n");
        head(a, headStart, sb);
        return sb.toString();
    }

    /** Writes the block starting at layer {@code i} and returns the index after it. */
    private static int block(Architecture a, int i, int end, StringBuilder sb) {
        Layer l = a.layers().get(i);
        switch (l) {
            case Layer.Conv c -> {
                kernel(a, i, c.kernel());
                width(a, i, "channels", c.channels());
                sb.append("type: conv, channels: ").append(c.channels()).append(", kernel: ").append(c.kernel())
                        .append(", stride: ").append(c.stride());
                return normAct(a, i + 1, end, sb);
            }
            case Layer.DepthwiseConv c -> {
                kernel(a, i, c.kernel());
                sb.append("type: depthwise, kernel: ").append(c.kernel()).append(", stride: ").append(c.stride());
                return normAct(a, i + 1, end, sb);
            }
            case Layer.PointwiseConv c -> {
                width(a, i, "channels", c.channels());
                sb.append("type: pointwise, channels: ").append(c.channels());
                return normAct(a, i + 1, end, sb);
            }
            case Layer.SeparableBlock s -> {
                kernel(a, i, s.kernel());
                width(a, i, "channels", s.channels());
                sb.append("type: separable, channels: ").append(s.channels()).append(", kernel: ").append(s.kernel())
                        .append(", stride: ").append(s.stride());
                actBn(sb, s.activation(), s.batchNorm());
                return i + 1;
            }
            case Layer.Fire f -> {
                if (f.expand1() != f.expand3()) {
                    throw unsupported(a, i, "a fire block needs equal expands, but had expand1=" + f.expand1()
                            + ", expand3=" + f.expand3());
                }
                width(a, i, "channels", 2 * f.expand1());
                width(a, i, "squeeze", f.squeeze());
                sb.append("type: fire, channels: ").append(2 * f.expand1()).append(", squeeze: ").append(f.squeeze());
                actBn(sb, f.activation(), f.batchNorm());
                return i + 1;
            }
            case Layer.InvertedResidual r -> {
                kernel(a, i, r.kernel());
                width(a, i, "channels", r.channels());
                if (r.expansion() > 8) {
                    throw unsupported(a, i, "expansion must be in [1, 8], but was " + r.expansion());
                }
                sb.append("type: inverted, channels: ").append(r.channels()).append(", expansion: ")
                        .append(r.expansion()).append(", kernel: ").append(r.kernel()).append(", stride: ")
                        .append(r.stride());
                actBn(sb, r.activation(), r.batchNorm());
                sb.append(", residual: ").append(r.residual());
                return i + 1;
            }
            default -> throw unsupported(a, i, "a " + l.type() + " layer can only follow a block of the schema"
                    + " (or be part of the head)");
        }
    }

    /** Optional batch-norm then optional activation after a conv-like layer; returns the index after them. */
    private static int normAct(Architecture a, int i, int end, StringBuilder sb) {
        List<Layer> layers = a.layers();
        boolean bn = false;
        ActivationKind act = ActivationKind.NONE;
        if (i < end && layers.get(i) instanceof Layer.BatchNorm) {
            bn = true;
            i++;
        }
        if (i < end && layers.get(i) instanceof Layer.Activation x) {
            act = x.kind();
            i++;
        }
        actBn(sb, act, bn);
        return i;
    }

    private static void actBn(StringBuilder sb, ActivationKind act, boolean bn) {
        sb.append(", activation: ").append(act.key()).append(", batchnorm: ").append(bn);
    }

    /** Index of the first head layer; throws if the network does not end with one of the schema's heads. */
    private static int headStart(Architecture a) {
        List<Layer> layers = a.layers();
        int n = layers.size();
        if (n >= 2 && layers.get(n - 1) instanceof Layer.GlobalAvgPool
                && layers.get(n - 2) instanceof Layer.PointwiseConv pw && pw.channels() == a.classes()) {
            return n - 2;
        }
        if (!(layers.get(n - 1) instanceof Layer.Dense last) || last.units() != a.classes()) {
            throw unsupported(a, n - 1, "the network must end with a dense layer to the classes, or a pointwise"
                    + " conv to the classes and global average pooling");
        }
        int i = n - 1;
        // optional hidden dense [bn] [act]
        int j = i;
        if (j - 1 >= 0 && layers.get(j - 1) instanceof Layer.Activation) {
            j--;
        }
        if (j - 1 >= 0 && layers.get(j - 1) instanceof Layer.BatchNorm) {
            j--;
        }
        if (j - 1 >= 0 && layers.get(j - 1) instanceof Layer.Dense) {
            i = j - 1;
        }
        if (i - 1 >= 0 && layers.get(i - 1) instanceof Layer.GlobalAvgPool) {
            i--;
        }
        return i;
    }

    private static void head(Architecture a, int start, StringBuilder sb) {
        List<Layer> layers = a.layers();
        if (layers.get(start) instanceof Layer.PointwiseConv) {
            sb.append("  type: conv-gap\n");
            return;
        }
        int i = start;
        boolean gap = layers.get(i) instanceof Layer.GlobalAvgPool;
        if (gap) {
            i++;
        }
        sb.append("  type: ").append(gap ? "gap-dense" : "flatten-dense").append('\n');
        if (i < layers.size() - 1) {
            Layer.Dense hidden = (Layer.Dense) layers.get(i++);
            if (hidden.units() > 4096) {
                throw unsupported(a, i - 1, "a hidden dense layer must have at most 4096 units, but had "
                        + hidden.units());
            }
            boolean bn = false;
            ActivationKind act = ActivationKind.NONE;
            if (layers.get(i) instanceof Layer.BatchNorm) {
                bn = true;
                i++;
            }
            if (layers.get(i) instanceof Layer.Activation x) {
                act = x.kind();
            }
            sb.append("  hidden: ").append(hidden.units()).append('\n');
            sb.append("  activation: ").append(act.key()).append('\n');
            sb.append("  batchnorm: ").append(bn).append('\n');
        }
    }

    private static void budget(StringBuilder sb, String key, TrainBudget b) {
        sb.append("  ").append(key).append(": {epochs: ").append(b.epochs()).append(", train_images: ")
                .append(b.trainImages()).append(", validation_images: ").append(b.validationImages())
                .append(", test_images: ").append(b.testImages()).append(", batch_size: ").append(b.batchSize())
                .append(", learning_rate: ").append(number(b.learningRate())).append(", seed: ").append(b.seed());
        if (!b.augment().isNone()) {
            sb.append(", augment: {shift: ").append(b.augment().shift()).append(", flip: ").append(b.augment().flip())
                    .append('}');
        }
        if (b.weightDecay() > 0) {
            sb.append(", weight_decay: ").append(number(b.weightDecay()));
        }
        sb.append("}\n");
    }

    /** Java's shortest round-trip form; "1.0E-4" is a YAML 1.2 core-schema float. */
    private static String number(double v) {
        return Double.toString(v);
    }

    private static void width(Architecture a, int i, String field, int v) {
        if (v > NetParser.MAX_CHANNELS) {
            throw unsupported(a, i, field + " must be <= " + NetParser.MAX_CHANNELS + ", but was " + v);
        }
    }

    private static void kernel(Architecture a, int i, int k) {
        if (!NetParser.KERNELS.contains(k)) {
            throw unsupported(a, i, "kernel must be one of " + NetParser.KERNELS + ", but was " + k);
        }
    }

    private static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "-");
        if (s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0))) {
            s = "a" + s;
        }
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private static IllegalArgumentException unsupported(Architecture a, int i, String why) {
        return new IllegalArgumentException("architecture " + a.name() + " cannot be written as a space file: "
                + Architecture.path(i) + ": " + why);
    }
}
