package io.henas.ir;

import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of a {@link LoweredNet}, keyed {@code <node name>/<param>}:
 * <ul>
 *   <li>Conv: {@code W} {@code [out][in][k][k]} (depthwise {@code [c][1][k][k]}), {@code bias} {@code [out]}</li>
 *   <li>Dense: {@code W} {@code [units][inputs]} (inputs in C-H-W order), {@code bias} {@code [units]}</li>
 *   <li>BatchNorm: {@code gamma}, {@code beta}, {@code mean}, {@code var}, each {@code [c]} (eps = 1e-5)</li>
 *   <li>Act POLY2: {@code a}, {@code b}, {@code c}, each {@code [c]}: {@code a*x^2 + b*x + c} per channel</li>
 * </ul>
 *
 * @param tensors the tensors, copied into a sorted map
 */
public record NetWeights(Map<String, Tensor> tensors) {
    public NetWeights {
        tensors = java.util.Collections.unmodifiableMap(new TreeMap<>(tensors));
    }

    /** The key of parameter {@code param} of node {@code node}. */
    public static String key(String node, String param) {
        return node + "/" + param;
    }

    /** The tensor, or an {@link ArchitectureException} naming the missing key. */
    public Tensor get(String node, String param) {
        Tensor t = tensors.get(key(node, param));
        if (t == null) {
            throw new ArchitectureException("missing weights " + key(node, param));
        }
        return t;
    }

    public boolean has(String node, String param) {
        return tensors.containsKey(key(node, param));
    }

    /**
     * Checks that every parameter {@code net} needs is present with the right shape, and nothing else is.
     *
     * @throws ArchitectureException naming the first offending key
     */
    public void validateFor(LoweredNet net) {
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (LoweredNet.Node n : net.nodes()) {
            Shape in = n.inputs().isEmpty() ? null : net.node(n.inputs().getFirst()).shape();
            switch (n.op()) {
                case Op.Conv c -> {
                    int inC = c.depthwise() ? 1 : in.channels();
                    expect(expected, n.name(), "W", c.channels(), inC, c.kernel(), c.kernel());
                    expect(expected, n.name(), "bias", c.channels());
                }
                case Op.Dense d -> {
                    expect(expected, n.name(), "W", d.units(), in.size());
                    expect(expected, n.name(), "bias", d.units());
                }
                case Op.BatchNorm b -> {
                    for (String p : new String[]{"gamma", "beta", "mean", "var"}) {
                        expect(expected, n.name(), p, in.channels());
                    }
                }
                case Op.Act a when a.kind() == ActivationKind.POLY2 -> {
                    for (String p : new String[]{"a", "b", "c"}) {
                        expect(expected, n.name(), p, in.channels());
                    }
                }
                default -> {
                }
            }
        }
        for (String k : tensors.keySet()) {
            if (!expected.contains(k)) {
                throw new ArchitectureException("unexpected weights " + k + " for this architecture");
            }
        }
    }

    private void expect(java.util.Set<String> expected, String node, String param, int... shape) {
        String k = key(node, param);
        expected.add(k);
        Tensor t = tensors.get(k);
        if (t == null) {
            throw new ArchitectureException("missing weights " + k);
        }
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new ArchitectureException("weights " + k + " must have shape " + java.util.Arrays.toString(shape)
                    + ", but had " + java.util.Arrays.toString(t.shape()));
        }
    }
}
