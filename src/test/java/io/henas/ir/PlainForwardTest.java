package io.henas.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlainForwardTest {
    private static Tensor t(int[] shape, double... v) {
        return new Tensor(shape, v);
    }

    @Test
    void convSquarePoolDenseByHand() {
        // 1x2x2 input, conv 3x3 "same" with a centre-plus-right kernel, square, global pool, dense to 2 classes
        Architecture a = new Architecture("tiny", new Shape(1, 2, 2), 2, List.of(
                new Layer.Conv(1, 3, 1), new Layer.Activation(ActivationKind.SQUARE), new Layer.GlobalAvgPool(),
                new Layer.Dense(2)));
        LoweredNet net = a.lower();
        double[] k = new double[9];
        k[4] = 1; // centre
        k[5] = 2; // right neighbour
        NetWeights w = new NetWeights(Map.of(
                "layers[0]/W", t(new int[]{1, 1, 3, 3}, k), "layers[0]/bias", t(new int[]{1}, 0.5),
                "layers[3]/W", t(new int[]{2, 1}, 1, -2), "layers[3]/bias", t(new int[]{2}, 0, 1)));
        w.validateFor(net);
        // input [[1,2],[3,4]] -> conv: [[1+4+.5, 2+0+.5],[3+8+.5, 4+.5]] = [[5.5,2.5],[11.5,4.5]]
        double mean = (5.5 * 5.5 + 2.5 * 2.5 + 11.5 * 11.5 + 4.5 * 4.5) / 4;
        assertArrayEquals(new double[]{mean, -2 * mean + 1}, PlainForward.logits(net, w, new double[]{1, 2, 3, 4}),
                1e-12);
    }

    @Test
    void poly2AndBatchNormUseTheirParameters() {
        Architecture a = new Architecture("bn", new Shape(1, 1, 1), 2, List.of(
                new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2), new Layer.Dense(2)));
        LoweredNet net = a.lower();
        NetWeights w = new NetWeights(Map.of(
                "layers[0]/gamma", t(new int[]{1}, 2), "layers[0]/beta", t(new int[]{1}, 1),
                "layers[0]/mean", t(new int[]{1}, 3), "layers[0]/var", t(new int[]{1}, 4 - PlainForward.BN_EPS),
                "layers[1]/a", t(new int[]{1}, 0.5), "layers[1]/b", t(new int[]{1}, -1),
                "layers[1]/c", t(new int[]{1}, 2),
                "layers[2]/W", t(new int[]{2, 1}, 1, 0), "layers[2]/bias", t(new int[]{2}, 0, 0)));
        // x=7: bn = 2*(7-3)/2 + 1 = 5; poly = 12.5 - 5 + 2 = 9.5
        assertArrayEquals(new double[]{9.5, 0}, PlainForward.logits(net, w, new double[]{7}), 1e-9);
    }

    @Test
    void wrongWeightShapesAreNamed() {
        Architecture a = new Architecture("d", new Shape(1, 1, 1), 2, List.of(new Layer.Dense(2)));
        NetWeights w = new NetWeights(Map.of("layers[0]/W", t(new int[]{1, 2}, 1, 2),
                "layers[0]/bias", t(new int[]{2}, 0, 0)));
        ArchitectureException e = assertThrows(ArchitectureException.class, () -> w.validateFor(a.lower()));
        assertTrue(e.getMessage().contains("layers[0]/W must have shape [2, 1]"), e.getMessage());
    }
}
