package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import io.henas.data.Dataset;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.PlainForward;

class FoldingTest {
    static Dataset train;

    @BeforeAll
    static void load() {
        train = TestNets.small();
    }

    @Test
    void foldedNetworkMatchesDl4jLogits() {
        for (Architecture a : TestNets.all()) {
            LoweredNet net = a.lower();
            ComputationGraph g = GraphBuilderTest.trained(net, 4);
            FoldedNet f = Folding.fold(net, WeightExtractor.extract(net, g));
            // batch-norms remain only where no linear layer precedes them
            for (LoweredNet.Node n : f.net().nodes()) {
                if (n.op() instanceof Op.BatchNorm) {
                    Op src = f.net().node(n.inputs().getFirst()).op();
                    assertFalse(src instanceof Op.Conv || src instanceof Op.Dense, a.name() + " " + n.name());
                }
            }
            assertEquals(io.henas.ir.NetFold.of(net).net(), f.net(), a.name());
            int[] idx = {3, 40, 77, 150};
            double[][] z = Predict.logits(net, g, Predict.batch(train, idx, DataType.FLOAT));
            double[][] zd = Predict.logitsInDouble(net, g, train, idx);
            for (int j = 0; j < idx.length; j++) {
                double[] folded = PlainForward.logits(f.net(), f.weights(), train.image(idx[j]));
                double e = GraphBuilderTest.relErr(folded, z[j]);
                assertTrue(e < 1e-4, a.name() + " image " + idx[j] + ": relative error " + e);
                double ed = GraphBuilderTest.relErr(folded, zd[j]);
                assertTrue(ed < 1e-9, a.name() + " image " + idx[j] + ": relative error in double " + ed);
            }
        }
    }

    @Test
    void batchNormsAfterLinearLayersAndConcatDisappear() {
        LoweredNet net = TestNets.blocks().lower();
        FoldedNet f = Folding.fold(net, WeightExtractor.extract(net, GraphBuilder.build(net,
                GraphBuilder.Options.defaults(3))));
        long bns = net.nodes().stream().filter(n -> n.op() instanceof Op.BatchNorm).count();
        assertEquals(net.nodes().size() - bns, f.net().nodes().size());
        assertFalse(f.weights().has("layers[2].out.bn", "gamma"));
        // every remaining item is a poly2 (no batch-norm had to stay)
        assertTrue(f.remaining().stream().allMatch(r -> r.startsWith("poly2 ")), f.remaining().toString());
        assertEquals(5, f.remaining().size());
    }

    @Test
    void batchNormAfterActivationIsKeptForTheCompiler() {
        LoweredNet net = TestNets.dense().lower();
        FoldedNet f = Folding.fold(net, WeightExtractor.extract(net, GraphBuilder.build(net,
                GraphBuilder.Options.defaults(3))));
        LoweredNet.Node kept = f.net().nodes().stream().filter(n -> n.name().equals("layers[2]")).findFirst().orElseThrow();
        assertEquals(new Op.BatchNorm(), kept.op());
        assertTrue(f.weights().has("layers[2]", "gamma"));
        assertTrue(f.remaining().stream().anyMatch(r -> r.startsWith("batchnorm layers[2]")), f.remaining().toString());
    }

    @Test
    void foldingIsExactOnHandMadeWeights() {
        Architecture a = new Architecture("tiny", TestNets.MNIST, 10, List.of(new Layer.Conv(2, 3, 2),
                new Layer.BatchNorm(), new Layer.Activation(ActivationKind.SQUARE), new Layer.Dense(10)));
        LoweredNet net = a.lower();
        NetWeights w = WeightExtractor.extract(net, GraphBuilder.build(net, GraphBuilder.Options.defaults(5)));
        java.util.Map<String, io.henas.ir.Tensor> m = new java.util.HashMap<>(w.tensors());
        m.put("layers[1]/gamma", new io.henas.ir.Tensor(new int[]{2}, new double[]{1.5, -0.5}));
        m.put("layers[1]/beta", new io.henas.ir.Tensor(new int[]{2}, new double[]{0.25, 1}));
        m.put("layers[1]/mean", new io.henas.ir.Tensor(new int[]{2}, new double[]{0.1, -0.3}));
        m.put("layers[1]/var", new io.henas.ir.Tensor(new int[]{2}, new double[]{0.04, 2.0}));
        NetWeights hw = new NetWeights(m);
        FoldedNet f = Folding.fold(net, hw);
        double[] x = train.image(5);
        double e = GraphBuilderTest.relErr(PlainForward.logits(f.net(), f.weights(), x), PlainForward.logits(net, hw, x));
        assertTrue(e < 1e-12, "relative error " + e);
    }
}
