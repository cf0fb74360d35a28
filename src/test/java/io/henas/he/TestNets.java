package io.henas.he;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.Shape;
import io.henas.ir.Tensor;

/** Small networks and seeded random weights shared by the he and cost tests. */
public final class TestNets {
    public static final long SEED = 20261121L;

    private TestNets() {
    }

    public static Architecture arch(String name, Shape in, int classes, Layer... layers) {
        return new Architecture(name, in, classes, List.of(layers));
    }

    /** Random weights for every parameter of {@code net}: BN variances positive, POLY2 a away from 0. */
    public static NetWeights randomWeights(LoweredNet net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> t = new HashMap<>();
        for (LoweredNet.Node n : net.nodes()) {
            Shape in = n.inputs().isEmpty() ? null : net.node(n.inputs().getFirst()).shape();
            switch (n.op()) {
                case Op.Conv c -> {
                    int inC = c.depthwise() ? 1 : in.channels();
                    double sc = 1.0 / Math.sqrt(inC * c.kernel() * c.kernel());
                    t.put(NetWeights.key(n.name(), "W"), tensor(r, sc, c.channels(), inC, c.kernel(), c.kernel()));
                    t.put(NetWeights.key(n.name(), "bias"), tensor(r, 0.3, c.channels()));
                }
                case Op.Dense d -> {
                    t.put(NetWeights.key(n.name(), "W"), tensor(r, 1.0 / Math.sqrt(in.size()), d.units(), in.size()));
                    t.put(NetWeights.key(n.name(), "bias"), tensor(r, 0.3, d.units()));
                }
                case Op.BatchNorm b -> {
                    int c = in.channels();
                    t.put(NetWeights.key(n.name(), "gamma"), shifted(r, 1.0, 0.3, c));
                    t.put(NetWeights.key(n.name(), "beta"), tensor(r, 0.3, c));
                    t.put(NetWeights.key(n.name(), "mean"), tensor(r, 0.3, c));
                    t.put(NetWeights.key(n.name(), "var"), shifted(r, 1.0, 0.5, c));
                }
                case Op.Act a when a.kind() == ActivationKind.POLY2 -> {
                    int c = in.channels();
                    t.put(NetWeights.key(n.name(), "a"), shifted(r, 0.5, 0.3, c));
                    t.put(NetWeights.key(n.name(), "b"), tensor(r, 1.0, c));
                    t.put(NetWeights.key(n.name(), "c"), tensor(r, 0.3, c));
                }
                default -> {
                }
            }
        }
        return new NetWeights(t);
    }

    public static double[] randomInput(Shape s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[s.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-1, 1);
        }
        return x;
    }

    private static Tensor tensor(SplittableRandom r, double scale, int... shape) {
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

    /** Values center +- spread (never near 0 for center > spread). */
    private static Tensor shifted(SplittableRandom r, double center, double spread, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = center + r.nextDouble(-spread, spread);
        }
        return new Tensor(new int[]{n}, v);
    }
}
