package io.henas.export;

import java.util.List;
import java.util.Map;

/**
 * Structural limits checked on an exported network's JSON before anything is built from it, so that a hostile file
 * fails with a clear message instead of an overflow, an exhausted stack or heap: at most {@value #MAX_NODES} nodes,
 * integer fields that are JSON integers within their ranges, node shapes of at most {@value #MAX_DIM} per dimension and
 * {@value #MAX_MAP} scalars, inputs that refer to earlier nodes, and finite weights.
 */
final class NetLimits {
    /** Far above any searched network (hundreds of nodes); keeps the recursive plan compiler's stack bounded. */
    static final int MAX_NODES = 2048;
    static final int MAX_DIM = 4096;
    static final long MAX_MAP = 1L << 22;
    static final int MAX_PARAM = 65536;

    private NetLimits() {
    }

    static void check(Map<String, Object> net, String src) throws ExportFormatException {
        if (!(net.get("nodes") instanceof List<?> nodes)) {
            throw new ExportFormatException(src + ": nodes must be an array, but was " + brief(net.get("nodes")));
        }
        if (nodes.isEmpty() || nodes.size() > MAX_NODES) {
            throw new ExportFormatException(src + ": the network must have 1 to " + MAX_NODES + " nodes, but has "
                    + nodes.size());
        }
        for (int i = 0; i < nodes.size(); i++) {
            String at = src + ": nodes[" + i + "]";
            if (!(nodes.get(i) instanceof Map<?, ?> n)) {
                throw new ExportFormatException(at + " must be an object, but was " + brief(nodes.get(i)));
            }
            if (!(n.get("shape") instanceof List<?> shape) || shape.size() != 3) {
                throw new ExportFormatException(at + ".shape must be [channels, height, width], but was "
                        + brief(n.get("shape")));
            }
            long size = 1;
            for (Object d : shape) {
                size *= integer(d, 1, MAX_DIM, at + ".shape");
            }
            if (size > MAX_MAP) {
                throw new ExportFormatException(at + ".shape must hold at most " + MAX_MAP + " values, but "
                        + shape + " holds " + size);
            }
            if (!(n.get("inputs") instanceof List<?> inputs) || inputs.size() > MAX_NODES) {
                throw new ExportFormatException(at + ".inputs must be an array of node indices, but was "
                        + brief(n.get("inputs")));
            }
            for (Object in : inputs) {
                integer(in, 0, i - 1, at + ".inputs");
            }
            for (String f : new String[]{"channels", "kernel", "stride", "size", "units"}) {
                if (n.containsKey(f)) {
                    integer(n.get(f), 1, MAX_PARAM, at + "." + f);
                }
            }
        }
        integer(net.get("output"), 0, nodes.size() - 1, src + ": output");
        if (!(net.get("tensors") instanceof Map<?, ?> tensors)) {
            throw new ExportFormatException(src + ": tensors must be an object, but was " + brief(net.get("tensors")));
        }
        for (var e : tensors.entrySet()) {
            String at = src + ": tensors." + e.getKey();
            if (!(e.getValue() instanceof Map<?, ?> t) || !(t.get("data") instanceof List<?> data)
                    || !(t.get("shape") instanceof List<?> shape)) {
                throw new ExportFormatException(at + " must be an object with shape and data arrays");
            }
            long size = 1;
            for (Object d : shape) {
                size *= integer(d, 1, MAX_MAP, at + ".shape");
                if (size > MAX_MAP * 64) {
                    throw new ExportFormatException(at + ".shape must hold at most " + MAX_MAP * 64 + " values, but"
                            + " was " + shape);
                }
            }
            if (size != data.size()) {
                throw new ExportFormatException(at + ".data must hold " + size + " values (shape " + shape
                        + "), but holds " + data.size());
            }
            for (int i = 0; i < data.size(); i++) {
                Object v = data.get(i);
                if (!(v instanceof Number x) || !Double.isFinite(x.doubleValue())) {
                    throw new ExportFormatException(at + ".data[" + i + "] must be a finite number, but was "
                            + brief(v));
                }
            }
        }
    }

    private static long integer(Object v, long min, long max, String what) throws ExportFormatException {
        if (!(v instanceof Long l) || l < min || l > max) {
            throw new ExportFormatException(what + " must be an integer in [" + min + ", " + max + "], but was "
                    + brief(v));
        }
        return l;
    }

    private static String brief(Object v) {
        String s = String.valueOf(v);
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
