package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
