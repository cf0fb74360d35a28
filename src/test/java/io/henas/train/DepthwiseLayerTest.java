package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.PlainForward;
import io.henas.ir.Shape;

/** The custom depthwise convolution: DL4J gradient checks and agreement with {@code PlainForward}. */
class DepthwiseLayerTest {

    @Test
    void gradientsStrideOneAndTwoOnOddMaps() {
        Architecture a = new Architecture("dw", new Shape(1, 7, 7), 3, List.of(
                new Layer.Conv(2, 3, 1), new Layer.DepthwiseConv(3, 1), new Layer.Activation(ActivationKind.SQUARE),
                new Layer.DepthwiseConv(3, 2), new Layer.Dense(3)));
        assertTrue(ActivationGradientTest.check(a, 0.0));
    }

    @Test
    void gradientsKernelFiveAndOne() {
        Architecture a = new Architecture("dw5", new Shape(2, 6, 5), 3, List.of(
                new Layer.DepthwiseConv(5, 2), new Layer.DepthwiseConv(1, 1), new Layer.Dense(3)));
        assertTrue(ActivationGradientTest.check(a, 0.0));
    }

    @Test
    void matchesPlainForwardWithStridesAndPadding() {
        Architecture a = new Architecture("dwf", new Shape(1, 28, 28), 10, List.of(
                new Layer.Conv(3, 3, 1), new Layer.DepthwiseConv(5, 3), new Layer.DepthwiseConv(3, 2),
                new Layer.Dense(10)));
        LoweredNet net = a.lower();
        assertEquals(new Shape(3, 5, 5), net.node(3).shape());
        ComputationGraph g = GraphBuilderTest.trained(net, 2);
        NetWeights w = WeightExtractor.extract(net, g);
        int[] idx = {4, 9};
        double[][] zd = Predict.logitsInDouble(net, g, TestNets.small(), idx);
        for (int j = 0; j < idx.length; j++) {
            double e = GraphBuilderTest.relErr(zd[j], PlainForward.logits(net, w, TestNets.small().image(idx[j])));
            assertTrue(e < 1e-9, "relative error " + e);
        }
    }

    @Test
    void configurationRoundTripsThroughJson() {
        ComputationGraphConfiguration conf = GraphBuilder.configure(TestNets.plain().lower(),
                GraphBuilder.Options.defaults(1));
        String json = conf.toJson();
        assertTrue(json.contains("DepthwiseLayer") && json.contains("\"stride\" : 2"), "depthwise not serialised");
        assertEquals(json, ComputationGraphConfiguration.fromJson(json).toJson());
    }

    @Test
    void parametersUseTheIrLayout() {
        LoweredNet net = TestNets.plain().lower();
        ComputationGraph g = GraphBuilder.build(net, GraphBuilder.Options.defaults(1));
        var dw = g.getLayer(GraphBuilder.vertexName(net.node(5)));
        assertEquals(List.of(6L, 1L, 3L, 3L), java.util.Arrays.stream(dw.getParam("W").shape()).boxed().toList());
        assertEquals(0.0, dw.getParam("b").sumNumber().doubleValue());
        assertTrue(dw.getParam("W").norm2Number().doubleValue() > 0);
    }
}
