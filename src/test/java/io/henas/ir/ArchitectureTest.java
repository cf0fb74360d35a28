package io.henas.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final Shape MNIST = new Shape(1, 28, 28);

    @Test
    void shapesFollowTheLayers() {
        Architecture a = new Architecture("cnn", MNIST, 10, List.of(
                new Layer.Conv(8, 5, 2), new Layer.Activation(ActivationKind.SQUARE),
                new Layer.AvgPool(2), new Layer.Dense(10)));
        assertEquals(List.of(new Shape(8, 14, 14), new Shape(8, 14, 14), new Shape(8, 7, 7), new Shape(10, 1, 1)),
                a.layerShapes());
        // conv 1*8*25 + 8, dense 392*10 + 10
        assertEquals(208 + 3930, a.parameterCount());
    }

    @Test
    void fireLowersToSqueezeAndTwoExpandsConcatenated() {
        Architecture a = new Architecture("fire", MNIST, 10, List.of(
                new Layer.Conv(16, 3, 1),
                new Layer.Fire(4, 8, 8, ActivationKind.SQUARE, true),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        LoweredNet net = a.lower();
        List<String> names = net.nodes().stream().map(LoweredNet.Node::name).toList();
        assertEquals(List.of("input", "layers[0]", "layers[1].squeeze", "layers[1].squeeze.bn", "layers[1].squeeze.act",
                "layers[1].expand1", "layers[1].expand3", "layers[1].concat", "layers[1].out.bn", "layers[1].out.act",
                "layers[2]", "layers[3]"), names);
        assertEquals(new Shape(16, 28, 28), net.node(7).shape());
        assertEquals(List.of(5, 6), net.node(7).inputs());
    }

    @Test
    void invertedResidualAddsItsInput() {
        Architecture a = new Architecture("mb2", MNIST, 10, List.of(
                new Layer.Conv(8, 3, 2),
                new Layer.InvertedResidual(8, 2, 3, 1, ActivationKind.POLY2, false, true),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        LoweredNet net = a.lower();
        LoweredNet.Node add = net.nodes().stream().filter(n -> n.op() instanceof Op.Add).findFirst().orElseThrow();
        assertEquals(List.of(net.node(add.id() - 1).id(), 1), add.inputs());
        assertEquals(new Shape(8, 14, 14), add.shape());
    }

    @Test
    void residualWithMismatchedShapesIsRejectedWithItsPath() {
        ArchitectureException e = assertThrows(ArchitectureException.class, () -> new Architecture("bad", MNIST, 10,
                List.of(new Layer.Conv(8, 3, 1),
                        new Layer.InvertedResidual(16, 2, 3, 1, ActivationKind.SQUARE, false, true),
                        new Layer.Dense(10))));
        assertTrue(e.getMessage().startsWith("layers[1]: residual add needs matching shapes"), e.getMessage());
    }

    @Test
    void outputMustMatchClasses() {
        ArchitectureException e = assertThrows(ArchitectureException.class, () -> new Architecture("bad", MNIST, 10,
                List.of(new Layer.Conv(8, 3, 1), new Layer.GlobalAvgPool())));
        assertTrue(e.getMessage().contains("must end with 10 outputs"), e.getMessage());
    }

    @Test
    void invalidFieldsNameTheField() {
        assertEquals("conv.kernel must be odd and in [1, 15], but was 4",
                assertThrows(ArchitectureException.class, () -> new Layer.Conv(8, 4, 1)).getMessage());
        ArchitectureException pool = assertThrows(ArchitectureException.class, () -> new Architecture("bad", MNIST, 10,
                List.of(new Layer.AvgPool(3), new Layer.Dense(10))));
        assertTrue(pool.getMessage().startsWith("layers[0]: avgpool size 3 must divide"), pool.getMessage());
    }
}
