package io.henas.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one batch-norm fold of henas: which batch-norms disappear into the linear layer before them (structure,
 * {@link #of(LoweredNet)}) and the same rule on numbers ({@link #weights(NetWeights)}). The HE compiler applies the
 * structure to every network it compiles (so the plan the search ranks is the plan of the folded network), and export
 * folds the trained weights with it (so the shipped network is that folded network). A batch-norm is the per-channel
 * affine map {@code y = s*x + t} with {@code s = gamma / sqrt(var + eps)}, {@code t = beta - s*mean}. For each
 * batch-norm node, in order:
 * <ol>
 *   <li>its input is read only by it and is a Conv (incl. depthwise), a Dense, or a batch-norm already folded into
 *       one: output channel {@code o} of that layer's weights is scaled by {@code s[o]} and its bias becomes
 *       {@code s*bias + t} (chains of batch-norms fold one after the other);</li>
 *   <li>its input is a Concat read only by it whose inputs are each (as in 1) a linear layer read only by the Concat
 *       (a Fire module's expand convolutions): each part takes its slice of {@code s} and {@code t};</li>
 *   <li>otherwise (after an activation, a pool, an add or the network input) it is kept as a batch-norm node: the
 *       compiler leaves it pending for the next linear layer (merging) or spends a level on it.</li>
 * </ol>
 * Folded nodes are removed and their readers read the layer they were folded into; node names are kept. Applying the
 * fold to a folded network changes nothing.
 *
 * @param original the network the fold was computed on
 * @param net      the folded network
 * @param folds    the folded batch-norms, in node order
 * @param kept     names of the batch-norm nodes kept (case 3)
 */
public record NetFold(LoweredNet original, LoweredNet net, List<Fold> folds, List<String> kept) {

    /** Batch-norm {@code batchNorm} folded into the output channels of {@code parts}. */
    public record Fold(String batchNorm, List<Part> parts) {
        public Fold {
            parts = List.copyOf(parts);
        }
    }

    /** Output channels {@code [0, channels)} of linear node {@code node} take batch-norm channels from {@code offset}. */
    public record Part(String node, int offset, int channels) {
    }

    public NetFold {
        folds = List.copyOf(folds);
        kept = List.copyOf(kept);
    }

    /** Whether folding removes nothing ({@link #net()} equals {@link #original()}). */
    public boolean identity() {
        return folds.isEmpty();
    }

    /** The structural fold of {@code net}. */
    public static NetFold of(LoweredNet net) {
        int n = net.nodes().size();
        int[] alias = new int[n];
        boolean[] removed = new boolean[n];
        List<Fold> folds = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            alias[i] = i;
            consumers.add(new ArrayList<>());
        }
        for (LoweredNet.Node node : net.nodes()) {
            for (int in : node.inputs()) {
                if (!consumers.get(in).contains(node.id())) {
                    consumers.get(in).add(node.id());
                }
            }
        }
        for (LoweredNet.Node node : net.nodes()) {
            if (!(node.op() instanceof Op.BatchNorm)) {
                continue;
            }
            int in = node.inputs().getFirst();
            boolean sole = consumers.get(in).equals(List.of(node.id()));
            LoweredNet.Node target = net.node(resolve(alias, in));
            List<Part> parts = null;
            if (sole && isLinear(target)) {
                parts = List.of(new Part(target.name(), 0, node.shape().channels()));
            } else if (sole && target.id() == in && target.op() instanceof Op.Concat) {
                List<Part> ps = new ArrayList<>();
                int off = 0;
                for (int i : target.inputs()) {
                    LoweredNet.Node part = net.node(resolve(alias, i));
                    if (!isLinear(part) || !consumers.get(i).equals(List.of(in))) {
                        ps = null;
                        break;
                    }
                    ps.add(new Part(part.name(), off, part.shape().channels()));
                    off += part.shape().channels();
                }
                parts = ps;
            }
            if (parts == null) {
                kept.add(node.name());
            } else {
                folds.add(new Fold(node.name(), parts));
                removed[node.id()] = true;
                alias[node.id()] = in;
            }
        }
        if (folds.isEmpty()) {
            return new NetFold(net, net, folds, kept);
        }
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
            nodes.add(new LoweredNet.Node(nodes.size(), node.name(), node.op(), ins, node.shape()));
        }
        return new NetFold(net, new LoweredNet(nodes, newId[resolve(alias, net.output())]), folds, kept);
    }

    /**
     * The weights of {@link #net()}: {@code weights} (which must fit {@link #original()}) with every folded
     * batch-norm's {@code s} and {@code t} multiplied into its layers and its own tensors dropped.
     */
    public NetWeights weights(NetWeights weights) {
        weights.validateFor(original);
        if (folds.isEmpty()) {
            return weights;
        }
        Map<String, Tensor> w = new HashMap<>(weights.tensors());
        for (Fold f : folds) {
            String bn = f.batchNorm();
            Tensor gamma = weights.get(bn, "gamma");
            int c = gamma.data().length;
            double[] s = new double[c];
            double[] t = new double[c];
            for (int i = 0; i < c; i++) {
                s[i] = gamma.at(i) / Math.sqrt(weights.get(bn, "var").at(i) + PlainForward.BN_EPS);
                t[i] = weights.get(bn, "beta").at(i) - s[i] * weights.get(bn, "mean").at(i);
            }
            for (String p : new String[]{"gamma", "beta", "mean", "var"}) {
                w.remove(NetWeights.key(bn, p));
            }
            for (Part p : f.parts()) {
                scaleInto(w, p.node(), s, t, p.offset(), p.channels());
            }
        }
        NetWeights out = new NetWeights(w);
        out.validateFor(net);
        return out;
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
        double[] wd = wt.data().clone();
        double[] bd = bias.data().clone();
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
