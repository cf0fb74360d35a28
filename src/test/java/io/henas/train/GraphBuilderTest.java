package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.henas.data.Dataset;
import io.henas.ir.Architecture;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.PlainForward;

/** The DL4J graph computes exactly the IR semantics: PlainForward on the extracted weights matches its logits. */
class GraphBuilderTest {
    static Dataset train;

    @BeforeAll
    static void load() {
        train = TestNets.small();
    }

    /** Builds the graph and trains it briefly so weights, batch-norm statistics and poly2 coefficients move. */
    static ComputationGraph trained(LoweredNet net, int steps) {
        Dataset train = TestNets.small();
        ComputationGraph g = GraphBuilder.build(net, GraphBuilder.Options.defaults(TestNets.SEED));
        for (int s = 0; s < steps; s++) {
            int[] idx = new int[50];
            for (int j = 0; j < idx.length; j++) {
                idx[j] = (s * 50 + j) % train.size();
            }
            INDArray labels = Nd4j.zeros(DataType.FLOAT, idx.length, 10);
            for (int j = 0; j < idx.length; j++) {
                labels.putScalar(j, train.label(idx[j]), 1f);
            }
            g.fit(new DataSet(Predict.batch(train, idx, DataType.FLOAT), labels));
        }
        return g;
    }

    static double relErr(double[] got, double[] want) {
        double scale = 1e-3;
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            err = Math.max(err, Math.abs(got[i] - want[i]));
        }
        return err / scale;
    }

    @Test
    void plainForwardMatchesDl4jLogits() {
        for (Architecture a : TestNets.all()) {
            LoweredNet net = a.lower();
            ComputationGraph g = trained(net, 4);
            NetWeights w = WeightExtractor.extract(net, g);
            int[] idx = {0, 17, 55, 123, 199};
            double[][] z = Predict.logits(net, g, Predict.batch(train, idx, DataType.FLOAT));
            double[][] zd = Predict.logitsInDouble(net, g, train, idx);
            for (int j = 0; j < idx.length; j++) {
                double[] ref = PlainForward.logits(net, w, train.image(idx[j]));
                assertEquals(10, z[j].length);
                double e = relErr(z[j], ref);
                assertTrue(e < 1e-4, a.name() + " image " + idx[j] + ": relative error " + e);
                double ed = relErr(zd[j], ref);
                assertTrue(ed < 1e-9, a.name() + " image " + idx[j] + ": relative error in double " + ed);
            }
        }
    }

    @Test
    void poly2AndBatchNormParametersAreTrained() {
        LoweredNet net = TestNets.plain().lower();
        NetWeights w = WeightExtractor.extract(net, trained(net, 3));
        double[] a = w.get("layers[2]", "a").data();
        double[] b = w.get("layers[2]", "b").data();
        boolean moved = false;
        for (int c = 0; c < a.length; c++) {
            moved |= Math.abs(a[c] - 0.05) > 1e-6 || Math.abs(b[c] - 1) > 1e-6;
        }
        assertTrue(moved, "poly2 coefficients stayed at their initial values");
        assertTrue(Math.abs(w.get("layers[1]", "mean").at(0)) > 0, "batch-norm running mean was not updated");
    }

    @Test
    void parameterCountsAgreeWithTheIr() {
        for (Architecture a : TestNets.all()) {
            ComputationGraph g = GraphBuilder.build(a.lower(), GraphBuilder.Options.defaults(1));
            // DL4J counts batch-norm running mean/var as parameters, the IR counts gamma and beta only
            long bnStats = a.lower().nodes().stream().filter(n -> n.op() instanceof io.henas.ir.Op.BatchNorm)
                    .mapToLong(n -> 2L * n.shape().channels()).sum();
            assertEquals(a.parameterCount() + bnStats, g.numParams(), a.name());
        }
    }

    /**
     * A batch-norm feeding x^2 starts at gamma 0.2, beta 1 (one feeding poly2 at 1, 0), which keeps a stack of eight
     * conv-bn-x^2 blocks from growing heavy tails at initialisation: the last map's max/std stays small, where the
     * default initialisation gives outliers hundreds of standard deviations out.
     */
    @Test
    void batchNormBeforeSquareStartsNearLinear() {
        java.util.List<io.henas.ir.Layer> layers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            layers.add(new io.henas.ir.Layer.Conv(8, 3, 1));
            layers.add(new io.henas.ir.Layer.BatchNorm());
            layers.add(new io.henas.ir.Layer.Activation(i == 0 ? io.henas.ir.ActivationKind.POLY2
                    : io.henas.ir.ActivationKind.SQUARE));
        }
        layers.add(new io.henas.ir.Layer.GlobalAvgPool());
        layers.add(new io.henas.ir.Layer.Dense(10));
        LoweredNet net = new Architecture("x2-stack", TestNets.MNIST, 10, layers).lower();
        ComputationGraph g = GraphBuilder.build(net, GraphBuilder.Options.defaults(TestNets.SEED));
        int bnBeforePoly2 = 0;
        int bnBeforeSquare = 0;
        for (LoweredNet.Node n : net.nodes()) {
            if (n.op() instanceof io.henas.ir.Op.BatchNorm) {
                INDArray gamma = g.getLayer(GraphBuilder.vertexName(n)).getParam("gamma");
                INDArray beta = g.getLayer(GraphBuilder.vertexName(n)).getParam("beta");
                boolean sq = GraphBuilder.feedsSquare(net, n);
                assertEquals(sq ? GraphBuilder.SQUARE_BN_GAMMA : 1.0, gamma.getDouble(0), 1e-6, n.name());
                assertEquals(sq ? GraphBuilder.SQUARE_BN_BETA : 0.0, beta.getDouble(0), 1e-6, n.name());
                if (sq) {
                    bnBeforeSquare++;
                } else {
                    bnBeforePoly2++;
                }
            }
        }
        assertEquals(1, bnBeforePoly2);
        assertEquals(7, bnBeforeSquare);
        int[] idx = new int[64];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Map<String, INDArray> acts = g.feedForward(Predict.batch(train, idx, DataType.FLOAT), true);
        LoweredNet.Node lastAct = net.nodes().stream().filter(n -> n.op() instanceof io.henas.ir.Op.Act)
                .reduce((a, b) -> b).orElseThrow();
        INDArray last = acts.get(GraphBuilder.vertexName(lastAct));
        double tail = last.sub(last.meanNumber()).amaxNumber().doubleValue() / last.stdNumber().doubleValue();
        assertTrue(tail < 25, "max/std of the last x^2 map at initialisation: " + tail);
    }

    @Test
    void weightDecayReachesConvolutionAndDenseWeightsOnly() {
        for (Architecture a : java.util.List.of(TrainerTest.tiny(), TestNets.plain())) {
            checkWeightDecay(a.lower());
        }
    }

    /** Conv, depthwise and dense weights decay; biases, batch-norm and poly2 parameters do not. */
    private static void checkWeightDecay(LoweredNet net) {
        assertEquals(java.util.List.of("W", "b"), java.util.List.of(DepthwiseLayer.W, DepthwiseLayer.B));
        long weights = net.nodes().stream().filter(n -> n.op() instanceof io.henas.ir.Op.Conv
                || n.op() instanceof io.henas.ir.Op.Dense).count();
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = GraphBuilder.configure(net,
                new GraphBuilder.Options(1, 1e-3, 0.05, DataType.FLOAT, 0, 0.25));
        // the configuration a saved model.zip holds keeps it
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration back =
                org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson());
        for (var c : java.util.List.of(conf, back)) {
            int decayed = 0;
            for (LoweredNet.Node n : net.nodes()) {
                if (n.id() == 0) {
                    continue;
                }
                var layer = ((org.deeplearning4j.nn.conf.graph.LayerVertex) c.getVertices()
                        .get(GraphBuilder.vertexName(n))).getLayerConf().getLayer();
                // DL4J's conv and dense layers and DepthwiseLayer name their weights W and biases b
                for (String p : java.util.List.of("W", "b", "gamma", "beta", "mean", "var", Poly2Layer.A, Poly2Layer.B,
                        Poly2Layer.C)) {
                    var regs = layer.getRegularizationByParam(p);
                    boolean weight = p.equals("W") && (n.op() instanceof io.henas.ir.Op.Conv
                            || n.op() instanceof io.henas.ir.Op.Dense);
                    if (weight) {
                        assertEquals(1, regs.size(), n.name() + " " + p + ": " + regs);
                        var wd = (org.nd4j.linalg.learning.regularization.WeightDecay) regs.getFirst();
                        assertEquals(0.25, wd.getCoeff().valueAt(0, 0), 1e-12);
                        assertTrue(wd.isApplyLR(), "decoupled: scaled by the learning rate");
                        decayed++;
                    } else {
                        assertTrue(regs == null || regs.isEmpty(), n.name() + " " + p + ": " + regs);
                    }
                }
            }
            assertEquals(weights, decayed, "the convolutions' and dense layers' weights");
        }
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration none = GraphBuilder.configure(net,
                new GraphBuilder.Options(1, 1e-3, 0.05, DataType.FLOAT, 0));
        for (LoweredNet.Node n : net.nodes()) {
            if (n.id() > 0) {
                var regs = ((org.deeplearning4j.nn.conf.graph.LayerVertex) none.getVertices()
                        .get(GraphBuilder.vertexName(n))).getLayerConf().getLayer().getRegularizationByParam("W");
                assertTrue(regs == null || regs.isEmpty(), n.name() + ": " + regs);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new GraphBuilder.Options(1, 1e-3, 0.05, DataType.FLOAT, 0,
                -1e-3));
    }

    @Test
    void oneStepOfWeightDecayTakesLearningRateTimesDecayOfTheWeightsOnce() {
        LoweredNet net = TrainerTest.tiny().lower();
        double lr = 1e-3;
        double wd = 0.1;
        ComputationGraph plain = GraphBuilder.build(net, new GraphBuilder.Options(3, lr, 0.05, DataType.FLOAT, 0));
        ComputationGraph decayed = GraphBuilder.build(net, new GraphBuilder.Options(3, lr, 0.05, DataType.FLOAT, 0, wd));
        decayed.setParams(plain.params().dup());
        int[] idx = java.util.stream.IntStream.range(0, 50).toArray();
        INDArray labels = Nd4j.zeros(DataType.FLOAT, idx.length, 10);
        for (int j = 0; j < idx.length; j++) {
            labels.putScalar(j, train.label(idx[j]), 1f);
        }
        DataSet batch = new DataSet(Predict.batch(train, idx, DataType.FLOAT), labels);
        String conv = GraphBuilder.vertexName(net.node(1));
        String dense = GraphBuilder.vertexName(net.outputNode());
        java.util.Map<String, INDArray> before = new java.util.HashMap<>();
        for (String v : java.util.List.of(conv, dense)) {
            for (String p : java.util.List.of("W", "b")) {
                before.put(v + p, plain.getLayer(v).getParam(p).dup());
            }
        }
        plain.fit(batch);
        decayed.fit(batch);
        for (String v : java.util.List.of(conv, dense)) {
            // Adam's step is the same (decay is applied after the updater); the difference is lr * wd * W, once
            INDArray dW = plain.getLayer(v).getParam("W").sub(decayed.getLayer(v).getParam("W"));
            INDArray want = before.get(v + "W").mul(lr * wd);
            assertEquals(0, dW.sub(want).norm2Number().doubleValue() / want.norm2Number().doubleValue(), 1e-2, v);
            assertEquals(plain.getLayer(v).getParam("b"), decayed.getLayer(v).getParam("b"), v + ": biases do not decay");
        }
    }
}
