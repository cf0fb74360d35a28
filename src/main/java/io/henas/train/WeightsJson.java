package io.henas.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.Shape;
import io.henas.ir.Tensor;
import io.henas.ir.Json;

/**
 * JSON form of weights and folded networks (format {@value #FORMAT}):
 * <pre>{@code
 * { "format": "henas-weights-v1",
 *   "nodes": [ {"id": 1, "name": "layers[0]", "op": "conv", "inputs": [0], "shape": [8, 28, 28],
 *               "channels": 8, "kernel": 3, "stride": 1, "depthwise": false}, ... ],   // the LoweredNet
 *   "output": 12,
 *   "remaining": ["poly2 layers[1]: ..."],                                           // folded files only
 *   "tensors": { "layers[0]/W": {"shape": [8, 1, 3, 3], "data": [ ... ]}, ... } }
 * }</pre>
 * Ops: {@code input} (shape), {@code conv} (channels, kernel, stride, depthwise), {@code batchnorm}, {@code act}
 * (kind: square | poly2), {@code avgpool} (size), {@code gap}, {@code dense} (units), {@code concat}, {@code add}.
 * Doubles are written in shortest round-trip form, so reading gives back the exact values.
 */
public final class WeightsJson {
    public static final String FORMAT = "henas-weights-v1";

    private WeightsJson() {
    }

    /** A JSON-ready map of a net, its weights and optional remaining-work notes. */
    public static Map<String, Object> toMap(LoweredNet net, NetWeights weights, List<String> remaining) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        List<Object> nodes = new ArrayList<>();
        for (LoweredNet.Node n : net.nodes()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", n.id());
            o.put("name", n.name());
            o.put("inputs", n.inputs());
            o.put("shape", List.of(n.shape().channels(), n.shape().height(), n.shape().width()));
            switch (n.op()) {
                case Op.Input i -> o.put("op", "input");
                case Op.Conv c -> {
                    o.put("op", "conv");
                    o.put("channels", c.channels());
                    o.put("kernel", c.kernel());
                    o.put("stride", c.stride());
                    o.put("depthwise", c.depthwise());
                }
                case Op.BatchNorm b -> o.put("op", "batchnorm");
                case Op.Act a -> {
                    o.put("op", "act");
                    o.put("kind", a.kind().key());
                }
                case Op.AvgPool p -> {
                    o.put("op", "avgpool");
                    o.put("size", p.size());
                }
                case Op.GlobalAvgPool g -> o.put("op", "gap");
                case Op.Dense d -> {
                    o.put("op", "dense");
                    o.put("units", d.units());
                }
                case Op.Concat c -> o.put("op", "concat");
                case Op.Add a -> o.put("op", "add");
            }
            nodes.add(o);
        }
        m.put("nodes", nodes);
        m.put("output", net.output());
        m.put("remaining", remaining);
        Map<String, Object> tensors = new LinkedHashMap<>();
        for (var e : weights.tensors().entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            List<Integer> shape = new ArrayList<>();
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            List<Double> data = new ArrayList<>();
            for (double v : e.getValue().data()) {
                data.add(v);
            }
            t.put("shape", shape);
            t.put("data", data);
            tensors.put(e.getKey(), t);
        }
        m.put("tensors", tensors);
        return m;
    }

    /** Writes a folded network. */
    public static void write(Path file, FoldedNet f) {
        Json.writeFile(file, toMap(f.net(), f.weights(), f.remaining()));
    }

    /** Writes an (unfolded) network and its weights. */
    public static void write(Path file, LoweredNet net, NetWeights w) {
        Json.writeFile(file, toMap(net, w, List.of()));
    }

    /**
     * Reads a file written by {@link #write}; the weights are validated against the net.
     *
     * @throws IOException if the file cannot be read or is not a valid weights file (the message names the file)
     */
    public static FoldedNet read(Path file) throws IOException {
        String src = file.toString();
        try {
            Map<String, Object> m = Json.asObject(Json.readFile(file), src);
            if (!FORMAT.equals(m.get("format"))) {
                throw new IOException(src + ": format must be " + FORMAT + ", but was " + m.get("format"));
            }
            List<LoweredNet.Node> nodes = new ArrayList<>();
            for (Object o : list(m.get("nodes"), src, "nodes")) {
                Map<String, Object> n = Json.asObject(o, src + ": nodes[" + nodes.size() + "]");
                List<Integer> shape = ints(n.get("shape"), src, "shape");
                Shape s = new Shape(shape.get(0), shape.get(1), shape.get(2));
                Op op = switch (String.valueOf(n.get("op"))) {
                    case "input" -> new Op.Input(s);
                    case "conv" -> new Op.Conv(num(n, "channels"), num(n, "kernel"), num(n, "stride"),
                            Boolean.TRUE.equals(n.get("depthwise")));
                    case "batchnorm" -> new Op.BatchNorm();
                    case "act" -> new Op.Act(ActivationKind.parse(String.valueOf(n.get("kind"))));
                    case "avgpool" -> new Op.AvgPool(num(n, "size"));
                    case "gap" -> new Op.GlobalAvgPool();
                    case "dense" -> new Op.Dense(num(n, "units"));
                    case "concat" -> new Op.Concat();
                    case "add" -> new Op.Add();
                    default -> throw new IOException(src + ": nodes[" + nodes.size() + "].op must be one of [input,"
                            + " conv, batchnorm, act, avgpool, gap, dense, concat, add], but was " + n.get("op"));
                };
                nodes.add(new LoweredNet.Node(nodes.size(), String.valueOf(n.get("name")), op,
                        ints(n.get("inputs"), src, "inputs"), s));
            }
            LoweredNet net = new LoweredNet(nodes, num(m, "output"));
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (var e : Json.asObject(m.get("tensors"), src + ": tensors").entrySet()) {
                Map<String, Object> t = Json.asObject(e.getValue(), src + ": tensors." + e.getKey());
                int[] shape = ints(t.get("shape"), src, e.getKey() + ".shape").stream().mapToInt(Integer::intValue)
                        .toArray();
                double[] data = list(t.get("data"), src, e.getKey() + ".data").stream()
                        .mapToDouble(v -> ((Number) v).doubleValue()).toArray();
                tensors.put(e.getKey(), new Tensor(shape, data));
            }
            List<String> remaining = new ArrayList<>();
            for (Object r : list(m.getOrDefault("remaining", List.of()), src, "remaining")) {
                remaining.add(String.valueOf(r));
            }
            return new FoldedNet(net, new NetWeights(tensors), remaining);
        } catch (RuntimeException e) {
            throw new IOException(src + ": not a valid " + FORMAT + " file: " + e.getMessage(), e);
        }
    }

    private static List<?> list(Object o, String src, String field) throws IOException {
        if (o instanceof List<?> l) {
            return l;
        }
        throw new IOException(src + ": " + field + " must be an array");
    }

    private static List<Integer> ints(Object o, String src, String field) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (Object v : list(o, src, field)) {
            out.add(((Number) v).intValue());
        }
        return out;
    }

    private static int num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(key + " must be a number, but was " + v);
        }
        return n.intValue();
    }
}
