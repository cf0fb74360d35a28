package io.henas.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.PlainForward;
import io.henas.ir.Tensor;

/**
 * Folds batch-norm into the network's linear layers, exactly. A batch-norm is the per-channel affine map
 * {@code y = s*x + t} with {@code s = gamma / sqrt(var + eps)}, {@code t = beta - s*mean}. For each batch-norm node,
 * in order:
 * <ol>
 *   <li>its input is a Conv (incl. depthwise) or Dense read only by the batch-norm: output channel {@code o} of the
 *       weights is scaled by {@code s[o]} and the bias becomes {@code s*bias + t};</li>
 *   <li>its input is a Concat read only by the batch-norm whose inputs are all such Conv/Dense nodes read only by the
 *       Concat (a Fire module's expand convolutions): each input takes its slice of {@code s} and {@code t};</li>
 *   <li>otherwise (e.g. a batch-norm after an activation, a pool or the network input) it becomes a 1x1 depthwise
 *       convolution with weight {@code s} and bias {@code t}, keeping its node name (exact; under HE it costs a
 *       plaintext multiplication, which is listed in {@link FoldedNet#remaining()}).</li>
 * </ol>
 * The batch-norm nodes of cases 1 and 2 are removed and their readers read the folded layer. POLY2 coefficients are
 * not touched: the HE plan compiler merges them into adjacent linear layers (listed in {@code remaining}).
 */
public final class Folding {
    private Folding() {
    }

    /** Folds {@code weights} (which must fit {@code net}) into an export-ready network. */
    public static FoldedNet fold(LoweredNet net, NetWeights weights) {
        weights.validateFor(net);
        Map<String, Tensor> w = new HashMap<>(weights.tensors());
        int n = net.nodes().size();
        int[] alias = new int[n];
        boolean[] removed = new boolean[n];
        Op[] ops = new Op[n];
        List<String> remaining = new ArrayList<>();
        for (LoweredNet.Node node : net.nodes()) {
            alias[node.id()] = node.id();
            ops[node.id()] = node.op();
        }
        for (LoweredNet.Node node : net.nodes()) {
            if (node.op() instanceof Op.Act a && a.kind() == ActivationKind.POLY2) {
                remaining.add("poly2 " + node.name() + ": a*x^2 + b*x + c per channel (" + node.shape().channels()
                        + " channels) for the HE plan to merge");
            }
            if (!(node.op() instanceof Op.BatchNorm)) {
                continue;
            }
            String bn = node.name();
            int c = node.shape().channels();
            double[] s = new double[c];
            double[] t = new double[c];
            for (int i = 0; i < c; i++) {
                s[i] = weights.get(bn, "gamma").at(i) / Math.sqrt(weights.get(bn, "var").at(i) + PlainForward.BN_EPS);
                t[i] = weights.get(bn, "beta").at(i) - s[i] * weights.get(bn, "mean").at(i);
            }
            for (String p : new String[]{"gamma", "beta", "mean", "var"}) {
                w.remove(NetWeights.key(bn, p));
            }
            LoweredNet.Node src = net.node(node.inputs().getFirst());
            if (isLinear(src) && net.consumers(src.id()).equals(List.of(node.id()))) {
                scaleInto(w, src.name(), s, t, 0, c);
                removed[node.id()] = true;
                alias[node.id()] = src.id();
            } else if (src.op() instanceof Op.Concat && net.consumers(src.id()).equals(List.of(node.id()))
                    && src.inputs().stream().allMatch(i -> isLinear(net.node(i))
                    && net.consumers(i).equals(List.of(src.id())))) {
                int off = 0;
                for (int i : src.inputs()) {
                    LoweredNet.Node part = net.node(i);
                    scaleInto(w, part.name(), s, t, off, part.shape().channels());
                    off += part.shape().channels();
                }
                removed[node.id()] = true;
                alias[node.id()] = src.id();
            } else {
                ops[node.id()] = new Op.Conv(c, 1, 1, true);
                w.put(NetWeights.key(bn, "W"), new Tensor(new int[]{c, 1, 1, 1}, s));
                w.put(NetWeights.key(bn, "bias"), new Tensor(new int[]{c}, t));
                remaining.add("batchnorm " + bn + " after " + src.op().getClass().getSimpleName() + " " + src.name()
                        + ": kept as a 1x1 depthwise conv (one plaintext multiply)");
            }
        }
        // rebuild without the removed nodes
        List<LoweredNet.Node> nodes = new ArrayList<>();
        int[] newId = new int[n];
        for (LoweredNet.Node node : net.nodes()) {
            if (removed[node.id()]) {
                continue;
            }
            List<Integer> ins = new ArrayList<>();
            for (int i : node.inputs()) {
                ins.add(newId[resolve(alias, i)]);
            }
            newId[node.id()] = nodes.size();
            nodes.add(new LoweredNet.Node(nodes.size(), node.name(), ops[node.id()], ins, node.shape()));
        }
        LoweredNet folded = new LoweredNet(nodes, newId[resolve(alias, net.output())]);
        return new FoldedNet(folded, new NetWeights(w), remaining);
    }

    private static int resolve(int[] alias, int id) {
        while (alias[id] != id) {
            id = alias[id];
        }
        return id;
    }

    private static boolean isLinear(LoweredNet.Node n) {
        return n.op() instanceof Op.Conv || n.op() instanceof Op.Dense;
    }

    /** Output channels {@code [0, count)} of {@code node} get {@code s[off + o]} and {@code t[off + o]}. */
    private static void scaleInto(Map<String, Tensor> w, String node, double[] s, double[] t, int off, int count) {
        Tensor wt = w.get(NetWeights.key(node, "W"));
        Tensor bias = w.get(NetWeights.key(node, "bias"));
        double[] wd = wt.data();
        double[] bd = bias.data();
        int per = wd.length / count;
        for (int o = 0; o < count; o++) {
            for (int j = 0; j < per; j++) {
                wd[o * per + j] *= s[off + o];
            }
            bd[o] = s[off + o] * bd[o] + t[off + o];
        }
        w.put(NetWeights.key(node, "W"), new Tensor(wt.shape(), wd));
        w.put(NetWeights.key(node, "bias"), new Tensor(bias.shape(), bd));
    }
}
