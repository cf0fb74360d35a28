package io.henas.train;

import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.PlainForward;
import io.henas.ir.Shape;
import io.henas.ir.Tensor;

/**
 * Reads the parameters of a graph built by {@link GraphBuilder} into {@link NetWeights}, keyed and shaped as
 * {@code ir.NetWeights} documents. DL4J layouts converted here:
 * <ul>
 *   <li>conv {@code W [out][in][kH][kW]} and depthwise ({@link DepthwiseLayer}) {@code W [c][1][k][k]}: same order;</li>
 *   <li>dense {@code W [in][out]} is transposed to {@code [units][inputs]} (inputs already C-H-W, see
 *       {@link GraphBuilder});</li>
 *   <li>biases, batch-norm and poly2 parameters {@code [1][c]} become {@code [c]}; batch-norm {@code var} is
 *       recovered from DL4J's {@code log10stdev} as {@code 10^(2 log10stdev)} (DL4J adds eps at use, as
 *       {@code ir.PlainForward} does; checked in double precision by {@code GraphBuilderTest}).</li>
 * </ul>
 */
public final class WeightExtractor {
    private WeightExtractor() {
    }

    /** The weights of {@code graph}, which must have been built from {@code net}. */
    public static NetWeights extract(LoweredNet net, ComputationGraph graph) {
        Map<String, Tensor> t = new HashMap<>();
        for (LoweredNet.Node n : net.nodes()) {
            String name = n.name();
            Shape in = n.inputs().isEmpty() ? null : net.node(n.inputs().getFirst()).shape();
            switch (n.op()) {
                case Op.Conv c -> {
                    Layer l = layer(graph, n);
                    double[] w = values(l.getParam("W"));
                    int k = c.kernel();
                    int inC = c.depthwise() ? 1 : in.channels();
                    t.put(NetWeights.key(name, "W"), new Tensor(new int[]{c.channels(), inC, k, k}, w));
                    t.put(NetWeights.key(name, "bias"), vector(l.getParam("b")));
                }
                case Op.Dense d -> {
                    Layer l = layer(graph, n);
                    double[] w = values(l.getParam("W"));
                    int nin = in.size();
                    int units = d.units();
                    double[] r = new double[w.length];
                    for (int i = 0; i < nin; i++) {
                        for (int u = 0; u < units; u++) {
                            r[u * nin + i] = w[i * units + u];
                        }
                    }
                    t.put(NetWeights.key(name, "W"), new Tensor(new int[]{units, nin}, r));
                    t.put(NetWeights.key(name, "bias"), vector(l.getParam("b")));
                }
                case Op.BatchNorm b -> {
                    Layer l = layer(graph, n);
                    for (String p : new String[]{"gamma", "beta", "mean"}) {
                        t.put(NetWeights.key(name, p), vector(l.getParam(p)));
                    }
                    t.put(NetWeights.key(name, "var"), variance(l));
                }
                case Op.Act a when a.kind() == ActivationKind.POLY2 -> {
                    Layer l = layer(graph, n);
                    for (String p : new String[]{Poly2Layer.A, Poly2Layer.B, Poly2Layer.C}) {
                        t.put(NetWeights.key(name, p), vector(l.getParam(p)));
                    }
                }
                default -> {
                }
            }
        }
        NetWeights w = new NetWeights(t);
        w.validateFor(net);
        return w;
    }

    /** {@code var} from DL4J's {@code log10stdev = log10(sqrt(var))} (or its {@code var} without log-std). */
    private static Tensor variance(Layer l) {
        if (l.paramTable().containsKey("var")) {
            return vector(l.getParam("var"));
        }
        double[] logStd = values(l.getParam("log10stdev"));
        double[] v = new double[logStd.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.pow(10, 2 * logStd[i]);
        }
        return new Tensor(new int[]{v.length}, v);
    }

    private static Layer layer(ComputationGraph g, LoweredNet.Node n) {
        Layer l = g.getLayer(GraphBuilder.vertexName(n));
        if (l == null) {
            throw new IllegalArgumentException("the graph has no layer " + GraphBuilder.vertexName(n) + " for node "
                    + n.name() + ": was it built from this net?");
        }
        return l;
    }

    private static double[] values(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    private static Tensor vector(INDArray a) {
        double[] v = values(a);
        return new Tensor(new int[]{v.length}, v);
    }
}
