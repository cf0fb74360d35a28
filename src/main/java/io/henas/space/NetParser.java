package io.henas.space;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.henas.space.YNode.YMap;

/**
 * Parses the network part of a space ({@code defaults}, {@code stages}, {@code head}) into a {@link NetTemplate},
 * resolving inheritance: a block field not set on the block comes from its stage, then from {@code defaults}, then
 * from the built-in default. A choice list is one gene wherever it is written, so a choice in {@code defaults} or on
 * a stage is shared by every block that inherits it.
 */
final class NetParser {
    static final List<String> BLOCK_KEYS = List.of("type", "channels", "kernel", "stride", "squeeze", "expansion",
            "activation", "batchnorm", "repeats", "residual");
    static final List<String> STAGE_KEYS = concat(List.of("blocks", "pool"), BLOCK_KEYS);
    static final List<String> HEAD_KEYS = List.of("type", "hidden", "activation", "batchnorm");
    static final List<String> HEAD_TYPES = List.of("gap-dense", "flatten-dense", "conv-gap");
    static final List<Integer> KERNELS = List.of(1, 3, 5, 7);
    static final List<Integer> STRIDES = List.of(1, 2);
    static final List<String> ACTIVATIONS = List.of("none", "square", "poly2");
    static final int MAX_CHANNELS = 1024;

    private final boolean allowChoices;

    /** @param allowChoices false inside {@code references}, whose architectures must be fixed */
    NetParser(boolean allowChoices) {
        this.allowChoices = allowChoices;
    }

    /** Fields written at one level (defaults, a stage or a block), with the nodes they came from. */
    private record Level(Map<String, Param<?>> params, Map<String, YNode> nodes) {
        Param<?> get(String key) {
            return params.get(key);
        }
    }

    NetTemplate parse(Optional<YNode> defaultsNode, YNode stagesNode, Optional<YNode> headNode, YNode owner) {
        Level defaults = defaultsNode.map(n -> level(n.map(BLOCK_KEYS))).orElse(new Level(Map.of(), Map.of()));
        List<YNode> stageNodes = stagesNode.list();
        if (stageNodes.isEmpty()) {
            throw stagesNode.error("must list at least one stage");
        }
        List<NetTemplate.Stage> stages = new ArrayList<>();
        for (YNode sn : stageNodes) {
            stages.add(stage(sn, defaults));
        }
        NetTemplate.Head head = head(headNode, defaults, owner);
        return new NetTemplate(stages, head);
    }

    private NetTemplate.Stage stage(YNode sn, Level defaults) {
        YMap m = sn.map(STAGE_KEYS);
        Level stageLevel = level(m);
        YNode blocksNode = m.require("blocks");
        List<YNode> blockNodes = blocksNode.list();
        if (blockNodes.isEmpty()) {
            throw blocksNode.error("must list at least one block");
        }
        List<NetTemplate.Block> blocks = new ArrayList<>();
        for (YNode bn : blockNodes) {
            blocks.add(block(bn, stageLevel, defaults));
        }
        // a field set on the stage must matter for at least one of its blocks
        for (Map.Entry<String, YNode> e : stageLevel.nodes().entrySet()) {
            String f = e.getKey();
            if (BLOCK_KEYS.contains(f) && blocks.stream().noneMatch(b -> b.type().values().stream()
                    .anyMatch(t -> NetTemplate.applies(f, t)))) {
                throw e.getValue().error("does not apply to any block of this stage (" + f + " is used by "
                        + typesUsing(f) + ")");
            }
        }
        @SuppressWarnings("unchecked")
        Param<Object> pool = m.get("pool").map(n -> (Param<Object>) param(n, NetParser::pool))
                .orElse(Param.builtin("none"));
        return new NetTemplate.Stage(sn.path(), blocks, pool);
    }

    @SuppressWarnings("unchecked")
    private NetTemplate.Block block(YNode bn, Level stage, Level defaults) {
        YMap m = bn.map(BLOCK_KEYS);
        Level own = level(m);
        Map<String, Param<?>> r = new HashMap<>();
        for (String f : BLOCK_KEYS) {
            Param<?> p = own.get(f);
            if (p == null) {
                p = stage.get(f);
            }
            if (p == null) {
                p = defaults.get(f);
            }
            if (p == null) {
                p = builtin(f);
            }
            if (p != null) {
                r.put(f, p);
            }
        }
        Param<String> type = (Param<String>) r.get("type");
        if (type == null) {
            throw new SpaceException(bn.file(), bn.line(), bn.path() + ".type",
                    "is required (set it on the block, its stage or in defaults); one of " + NetTemplate.TYPES);
        }
        for (Map.Entry<String, YNode> e : own.nodes().entrySet()) {
            String f = e.getKey();
            if (type.values().stream().noneMatch(t -> NetTemplate.applies(f, t))) {
                throw e.getValue().error("does not apply to block type " + String.join("/", type.values()) + " ("
                        + f + " is used by " + typesUsing(f) + ")");
            }
        }
        Param<Integer> channels = (Param<Integer>) r.get("channels");
        for (String t : type.values()) {
            if (channels == null && NetTemplate.applies("channels", t)) {
                throw new SpaceException(bn.file(), bn.line(), bn.path() + ".channels",
                        "is required for block type " + t + " (set it on the block, its stage or in defaults)");
            }
        }
        if (type.values().contains("fire")) {
            for (int c : channels.values()) {
                if (c % 2 != 0 || c < 2) {
                    throw new SpaceException(bn.file(), channels.line() == 0 ? bn.line() : channels.line(),
                            channels.path(), "must be even for a fire block (its 1x1 and 3x3 expands get half each),"
                            + " but was " + c);
                }
            }
        }
        return new NetTemplate.Block(bn.path(), bn.line(), type, channels, (Param<Integer>) r.get("kernel"),
                (Param<Integer>) r.get("stride"), (Param<Integer>) r.get("squeeze"),
                (Param<Integer>) r.get("expansion"), (Param<String>) r.get("activation"),
                (Param<Boolean>) r.get("batchnorm"), (Param<Integer>) r.get("repeats"),
                (Param<Boolean>) r.get("residual"));
    }

    @SuppressWarnings("unchecked")
    private NetTemplate.Head head(Optional<YNode> headNode, Level defaults, YNode owner) {
        String path = owner.path().isEmpty() ? "head" : owner.path() + ".head";
        if (headNode.isEmpty()) {
            return new NetTemplate.Head(path, 0, Param.builtin("gap-dense"), Param.builtin(0),
                    defaultOr(defaults, "activation", "square"), defaultOr(defaults, "batchnorm", true));
        }
        YMap m = headNode.get().map(HEAD_KEYS);
        Param<String> type = m.get("type").map(n -> param(n, x -> x.oneOf(HEAD_TYPES)))
                .orElse(Param.builtin("gap-dense"));
        Param<Integer> hidden = m.get("hidden").map(n -> param(n, x -> (int) x.integer(0, 4096)))
                .orElse(Param.builtin(0));
        Param<String> act = m.get("activation").map(n -> param(n, NetParser::activation))
                .orElse(defaultOr(defaults, "activation", "square"));
        Param<Boolean> bn = m.get("batchnorm").map(n -> param(n, YNode::bool))
                .orElse(defaultOr(defaults, "batchnorm", true));
        if (type.values().equals(List.of("conv-gap"))) {
            for (String f : List.of("hidden", "activation", "batchnorm")) {
                if (m.has(f)) {
                    throw m.require(f).error("does not apply to head type conv-gap (a 1x1 conv to the classes,"
                            + " then global average pooling)");
                }
            }
        }
        return new NetTemplate.Head(path, headNode.get().line(), type, hidden, act, bn);
    }

    @SuppressWarnings("unchecked")
    private static <T> Param<T> defaultOr(Level defaults, String key, T fallback) {
        Param<?> p = defaults.get(key);
        return p == null ? Param.builtin(fallback) : (Param<T>) p;
    }

    private Level level(YMap m) {
        Map<String, Param<?>> params = new LinkedHashMap<>();
        Map<String, YNode> nodes = new LinkedHashMap<>(); // file order, so the first problem is reported first
        for (Map.Entry<String, YNode> e : m.entries().entrySet()) {
            String k = e.getKey();
            if (!BLOCK_KEYS.contains(k)) {
                continue;
            }
            YNode n = e.getValue();
            Param<?> p = switch (k) {
                case "type" -> param(n, x -> x.oneOf(NetTemplate.TYPES));
                case "channels" -> param(n, x -> (int) x.integer(1, MAX_CHANNELS));
                case "kernel" -> param(n, x -> x.integerOneOf(KERNELS));
                case "stride" -> param(n, x -> x.integerOneOf(STRIDES));
                case "squeeze" -> param(n, x -> (int) x.integer(1, MAX_CHANNELS));
                case "expansion" -> param(n, x -> (int) x.integer(1, 8));
                case "activation" -> param(n, NetParser::activation);
                case "batchnorm", "residual" -> param(n, YNode::bool);
                case "repeats" -> param(n, x -> (int) x.integer(0, 8));
                default -> throw new IllegalStateException(k);
            };
            params.put(k, p);
            nodes.put(k, n);
        }
        return new Level(params, nodes);
    }

    /** A fixed value or a non-empty list of distinct choices (a list of one is fixed). */
    <T> Param<T> param(YNode n, Function<YNode, T> scalar) {
        if (n.isMap()) {
            throw n.error("must be a single value or a list of choices, but was a mapping");
        }
        if (!n.isList()) {
            return new Param.Fixed<>(scalar.apply(n), n.path(), n.line());
        }
        if (!allowChoices) {
            throw n.error("must be a single value in a reference (references are fixed architectures),"
                    + " but was a list");
        }
        List<YNode> elements = n.choiceElements();
        if (elements.isEmpty()) {
            throw n.error("is an empty choice list; give one value or a list of at least one choice");
        }
        List<T> values = new ArrayList<>();
        for (YNode e : elements) {
            if (e.isList() || e.isMap()) {
                throw e.error("choices must be single values, but one was " + e.describe());
            }
            T v = scalar.apply(e);
            if (values.contains(v)) {
                throw e.error("lists the choice " + v + " twice; choices must be distinct");
            }
            values.add(v);
        }
        return values.size() == 1 ? new Param.Fixed<>(values.getFirst(), n.path(), n.line())
                : new Param.Choice<>(values, n.path(), n.line(), n.column());
    }

    private static String activation(YNode n) {
        try {
            return n.oneOf(ACTIVATIONS);
        } catch (SpaceException e) {
            throw n.error("must be one of " + ACTIVATIONS + " (HE evaluates only polynomials), but was " + n.describe());
        }
    }

    private static Object pool(YNode n) {
        if (n.isInteger()) {
            long v;
            try {
                v = n.integer(2, 4);
            } catch (SpaceException e) {
                throw n.error("must be none or an average-pooling window in [2, 4], but was " + n.describe());
            }
            return (int) v;
        }
        if (n.describe().equals("'none'")) {
            return "none";
        }
        throw n.error("must be none or an average-pooling window in [2, 4], but was " + n.describe());
    }

    private static Param<?> builtin(String field) {
        return switch (field) {
            case "kernel" -> Param.builtin(3);
            case "stride" -> Param.builtin(1);
            case "expansion" -> Param.builtin(2);
            case "activation" -> Param.builtin("square");
            case "batchnorm" -> Param.builtin(true);
            case "repeats" -> Param.builtin(1);
            case "residual" -> Param.builtin(false);
            default -> null; // type and channels are required; squeeze defaults to channels / 4 at decode
        };
    }

    private static String typesUsing(String field) {
        List<String> out = new ArrayList<>();
        for (String t : NetTemplate.TYPES) {
            if (NetTemplate.applies(field, t)) {
                out.add(t);
            }
        }
        return String.join(", ", out);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
