package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.Shape;

/** DL4J gradient checks (double precision, central differences) for {@link SquareActivation} and {@link Poly2Layer}. */
class ActivationGradientTest {

    static boolean check(Architecture a, double poly2InitA) {
        LoweredNet net = a.lower();
        GraphBuilder.Options opt = new GraphBuilder.Options(TestNets.SEED, 1e-3, poly2InitA, DataType.DOUBLE, 0);
        ComputationGraphConfiguration conf = GraphBuilder.configure(net, opt, new NoOp());
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Shape s = a.input();
        Random rnd = new Random(TestNets.SEED);
        int n = 4;
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, s.channels(), s.height(), s.width()).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, a.classes());
        for (int i = 0; i < n; i++) {
            y.putScalar(i, rnd.nextInt(a.classes()), 1.0);
        }
        // move poly2 b and c away from 1 and 0 so every term of the derivative is exercised
        for (LoweredNet.Node node : net.nodes()) {
            if (node.op() instanceof io.henas.ir.Op.Act act && act.kind() == ActivationKind.POLY2) {
                var l = g.getLayer(GraphBuilder.vertexName(node));
                l.getParam(Poly2Layer.B).assign(Nd4j.rand(DataType.DOUBLE, l.getParam(Poly2Layer.B).shape()).addi(0.5));
                l.getParam(Poly2Layer.C).assign(Nd4j.rand(DataType.DOUBLE, l.getParam(Poly2Layer.C).shape()).subi(0.5));
            }
        }
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{x}).labels(new INDArray[]{y})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void squareActivationGradients() {
        Architecture a = new Architecture("sq", new Shape(1, 6, 6), 3, List.of(
                new Layer.Conv(2, 3, 1), new Layer.Activation(ActivationKind.SQUARE), new Layer.AvgPool(2),
                new Layer.Dense(3)));
        assertTrue(check(a, 0.0));
    }

    @Test
    void poly2LayerGradientsOnMapsAndVectors() {
        Architecture a = new Architecture("p2", new Shape(1, 6, 6), 3, List.of(
                new Layer.Conv(2, 3, 1), new Layer.Activation(ActivationKind.POLY2), new Layer.AvgPool(2),
                new Layer.Dense(4), new Layer.Activation(ActivationKind.POLY2), new Layer.Dense(3)));
        assertTrue(check(a, 0.3));
    }

    @Test
    void squareActivationValuesAndDerivative() {
        SquareActivation f = new SquareActivation();
        INDArray x = Nd4j.createFromArray(-2.0, 0.5, 3.0);
        assertEquals(4.0, f.getActivation(x.dup(), false).getDouble(0), 0);
        INDArray d = f.backprop(x.dup(), Nd4j.createFromArray(1.0, 2.0, -1.0)).getFirst();
        assertEquals(-4.0, d.getDouble(0), 0);
        assertEquals(2.0, d.getDouble(1), 0);
        assertEquals(-6.0, d.getDouble(2), 0);
    }

    @Test
    void configurationRoundTripsThroughJson() {
        ComputationGraphConfiguration conf = GraphBuilder.configure(TestNets.blocks().lower(),
                GraphBuilder.Options.defaults(1));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf.toJson(), back.toJson());
        assertTrue(conf.toJson().contains("Poly2Layer") && conf.toJson().contains("SquareActivation"));
        assertTrue(conf.toJson().contains("\"channels\" : 8"), "poly2 channels are not serialised");
    }
}
