package io.henas.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.ArchitectureException;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.Shape;

/**
 * The network part of a space with every field resolved (inheritance from stage and {@code defaults} applied): stages
 * of blocks, stage pooling and the head. {@link #decode} turns gene values into IR layers.
 */
record NetTemplate(List<Stage> stages, Head head) {

    /** Block types and the fields each uses (besides {@code type} and {@code repeats}, which all use). */
    static final Map<String, List<String>> FIELDS_BY_TYPE = Map.of(
            "conv", List.of("channels", "kernel", "stride", "activation", "batchnorm"),
            "depthwise", List.of("kernel", "stride", "activation", "batchnorm"),
            "pointwise", List.of("channels", "activation", "batchnorm"),
            "separable", List.of("channels", "kernel", "stride", "activation", "batchnorm"),
            "fire", List.of("channels", "squeeze", "activation", "batchnorm"),
            "inverted", List.of("channels", "expansion", "kernel", "stride", "activation", "batchnorm", "residual"));

    static final List<String> TYPES = List.of("conv", "depthwise", "pointwise", "separable", "fire", "inverted");

    NetTemplate {
        stages = List.copyOf(stages);
    }

    /** Whether {@code field} matters for a block of {@code type}. */
    static boolean applies(String field, String type) {
        return field.equals("type") || field.equals("repeats") || FIELDS_BY_TYPE.get(type).contains(field);
    }

    /** A block with its resolved fields; {@code channels} and {@code squeeze} may be null (not given). */
    record Block(String path, int line, Param<String> type, Param<Integer> channels, Param<Integer> kernel,
                 Param<Integer> stride, Param<Integer> squeeze, Param<Integer> expansion, Param<String> activation,
                 Param<Boolean> batchnorm, Param<Integer> repeats, Param<Boolean> residual) {

        /** The parameter of a field by its YAML key (null if not given and without default). */
        Param<?> field(String key) {
            return switch (key) {
                case "type" -> type;
                case "channels" -> channels;
                case "kernel" -> kernel;
                case "stride" -> stride;
                case "squeeze" -> squeeze;
                case "expansion" -> expansion;
                case "activation" -> activation;
                case "batchnorm" -> batchnorm;
                case "repeats" -> repeats;
                case "residual" -> residual;
                default -> throw new IllegalArgumentException("unknown block field " + key);
            };
        }
    }

    /** A stage: its blocks and the pooling after them ({@code "none"} or an Integer window size). */
    record Stage(String path, List<Block> blocks, Param<Object> pool) {
        Stage {
            blocks = List.copyOf(blocks);
        }
    }

    /** The head: type gap-dense, flatten-dense or conv-gap, an optional hidden dense layer (0 = none). */
    record Head(String path, int line, Param<String> type, Param<Integer> hidden, Param<String> activation,
                Param<Boolean> batchnorm) {
    }

    /** Every parameter that can influence the network for some gene values, in no particular order. */
    List<Param<?>> relevantParams() {
        List<Param<?>> out = new ArrayList<>();
        for (Stage s : stages) {
            for (Block b : s.blocks()) {
                for (String f : List.of("type", "channels", "kernel", "stride", "squeeze", "expansion", "activation",
                        "batchnorm", "repeats", "residual")) {
                    Param<?> p = b.field(f);
                    if (p != null && b.type().values().stream().anyMatch(t -> applies(f, t))) {
                        out.add(p);
                    }
                }
            }
            out.add(s.pool());
        }
        out.add(head.type());
        out.add(head.hidden());
        if (head.type().values().stream().anyMatch(t -> !t.equals("conv-gap"))
                && head.hidden().values().stream().anyMatch(h -> h > 0)) {
            out.add(head.activation());
            out.add(head.batchnorm());
        }
        return out;
    }

    /** Reads a parameter's value for a gene vector. */
    interface Values {
        <T> T get(Param<T> p);
    }

    /**
     * The architecture for the given values. Shape errors (a kernel larger than the map, pooling that does not divide
     * it) throw {@link InvalidCandidateException} naming the YAML path of the failing block.
     */
    Architecture decode(String name, Shape input, int classes, Values v) {
        List<Layer> layers = new ArrayList<>();
        LoweredNet.Builder g = new LoweredNet.Builder(input);
        int[] x = {0};
        try {
            for (Stage s : stages) {
                for (Block b : s.blocks()) {
                    int copies = v.get(b.repeats());
                    for (int r = 0; r < copies; r++) {
                        String where = b.path() + (copies > 1 ? " (repeat " + (r + 1) + " of " + copies + ")" : "");
                        emit(layers, g, x, b.path(), where, block(b, v, r == 0, g.shape(x[0])));
                    }
                }
                Object pool = v.get(s.pool());
                if (pool instanceof Integer size) {
                    emit(layers, g, x, s.path() + ".pool", s.path() + ".pool", List.of(new Layer.AvgPool(size)));
                }
            }
            emit(layers, g, x, head.path(), head.path(), head(v, classes));
            return new Architecture(name, input, classes, layers);
        } catch (ArchitectureException e) {
            throw new InvalidCandidateException(head.path(), e.getMessage());
        }
    }

    private static void emit(List<Layer> layers, LoweredNet.Builder g, int[] x, String path, String where,
                             List<Layer> add) {
        for (int i = 0; i < add.size(); i++) {
            Layer l = add.get(i);
            try {
                x[0] = l.lower(g, x[0], i == 0 ? where : where + "." + l.type() + (i > 1 ? i : ""));
            } catch (ArchitectureException e) {
                throw new InvalidCandidateException(path, e.getMessage());
            }
            layers.add(l);
        }
    }

    /** The 1-based line where the block, stage pool or head at {@code path} is written (0 if unknown). */
    int lineOf(String path) {
        for (Stage s : stages) {
            if (path.equals(s.path() + ".pool")) {
                return s.pool().line();
            }
            for (Block b : s.blocks()) {
                if (path.equals(b.path())) {
                    return b.line();
                }
            }
        }
        return path.equals(head.path()) ? head.line() : 0;
    }

    private static List<Layer> block(Block b, NetTemplate.Values v, boolean first, Shape in) {
        String type = v.get(b.type());
        ActivationKind act = ActivationKind.parse(v.get(b.activation()));
        boolean bn = v.get(b.batchnorm());
        return switch (type) {
            case "conv" -> withNormAct(new Layer.Conv(v.get(b.channels()), v.get(b.kernel()), stride(b, v, first)),
                    bn, act);
            case "depthwise" -> withNormAct(new Layer.DepthwiseConv(v.get(b.kernel()), stride(b, v, first)), bn, act);
            case "pointwise" -> withNormAct(new Layer.PointwiseConv(v.get(b.channels())), bn, act);
            case "separable" -> List.of(new Layer.SeparableBlock(v.get(b.channels()), v.get(b.kernel()),
                    stride(b, v, first), act, bn));
            case "fire" -> {
                int c = v.get(b.channels());
                int squeeze = b.squeeze() == null ? Math.max(1, c / 4) : v.get(b.squeeze());
                yield List.of(new Layer.Fire(squeeze, c / 2, c / 2, act, bn));
            }
            case "inverted" -> {
                int c = v.get(b.channels());
                int stride = stride(b, v, first);
                boolean residual = v.get(b.residual()) && stride == 1 && c == in.channels();
                yield List.of(new Layer.InvertedResidual(c, v.get(b.expansion()), v.get(b.kernel()), stride, act, bn,
                        residual));
            }
            default -> throw new IllegalStateException("unknown block type " + type);
        };
    }

    /** The stride applies to the first copy of a repeated block; the others keep the map size. */
    private static int stride(Block b, Values v, boolean first) {
        return first ? v.get(b.stride()) : 1;
    }

    private List<Layer> head(Values v, int classes) {
        String type = v.get(head.type());
        List<Layer> out = new ArrayList<>();
        if (type.equals("conv-gap")) {
            out.add(new Layer.PointwiseConv(classes));
            out.add(new Layer.GlobalAvgPool());
            return out;
        }
        if (type.equals("gap-dense")) {
            out.add(new Layer.GlobalAvgPool());
        }
        int hidden = v.get(head.hidden());
        if (hidden > 0) {
            out.addAll(withNormAct(new Layer.Dense(hidden), v.get(head.batchnorm()),
                    ActivationKind.parse(v.get(head.activation()))));
        }
        out.add(new Layer.Dense(classes));
        return out;
    }

    private static List<Layer> withNormAct(Layer l, boolean bn, ActivationKind act) {
        List<Layer> out = new ArrayList<>();
        out.add(l);
        if (bn) {
            out.add(new Layer.BatchNorm());
        }
        if (act != ActivationKind.NONE) {
            out.add(new Layer.Activation(act));
        }
        return out;
    }
}
