package io.henas.he;

import static io.henas.he.TestNets.arch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetFold;
import io.henas.ir.NetWeights;
import io.henas.ir.PlainForward;
import io.henas.ir.Shape;

class PlanSimulatorTest {
    static final ActivationKind SQ = ActivationKind.SQUARE;
    static final ActivationKind P2 = ActivationKind.POLY2;

    static List<Architecture> nets() {
        Shape in = new Shape(2, 8, 8);
        return List.of(
                arch("conv-k3-k5-stride-pool-gap-dense", in, 4,
                        new Layer.Conv(4, 3, 1), new Layer.Activation(SQ), new Layer.AvgPool(2),
                        new Layer.Conv(6, 5, 2), new Layer.Activation(P2), new Layer.GlobalAvgPool(),
                        new Layer.Dense(4)),
                arch("pointwise-depthwise-bn", in, 3,
                        new Layer.PointwiseConv(5), new Layer.BatchNorm(), new Layer.Activation(P2),
                        new Layer.DepthwiseConv(3, 2), new Layer.BatchNorm(), new Layer.Activation(SQ),
                        new Layer.Conv(3, 1, 1), new Layer.GlobalAvgPool()),
                arch("fire", in, 5,
                        new Layer.Conv(4, 3, 2), new Layer.Activation(SQ),
                        new Layer.Fire(2, 3, 3, SQ, true), new Layer.Fire(3, 2, 4, P2, false),
                        new Layer.Dense(5)),
                arch("separable", in, 3,
                        new Layer.SeparableBlock(5, 3, 1, P2, true), new Layer.SeparableBlock(4, 5, 2, SQ, false),
                        new Layer.AvgPool(2), new Layer.Dense(3)),
                arch("inverted-residual", in, 3,
                        new Layer.Conv(3, 3, 1), new Layer.BatchNorm(), new Layer.Activation(P2),
                        new Layer.InvertedResidual(3, 2, 3, 1, SQ, true, true),
                        new Layer.InvertedResidual(3, 1, 3, 1, P2, true, true),
                        new Layer.InvertedResidual(4, 2, 5, 2, SQ, false, false),
                        new Layer.GlobalAvgPool(), new Layer.Dense(3)),
                arch("odd-sizes", new Shape(2, 12, 12), 3,
                        new Layer.Conv(3, 1, 2), new Layer.Activation(P2), new Layer.AvgPool(3),
                        new Layer.DepthwiseConv(3, 2), new Layer.Activation(SQ), new Layer.Dense(3)),
                arch("gap-7x7", new Shape(1, 14, 14), 4,
                        new Layer.Conv(5, 5, 2), new Layer.BatchNorm(), new Layer.Activation(SQ),
                        new Layer.GlobalAvgPool(), new Layer.Dense(4)),
                arch("flatten-7x7-gap2", new Shape(2, 14, 14), 5,
                        new Layer.Conv(6, 3, 2), new Layer.BatchNorm(), new Layer.Activation(P2), new Layer.Dense(5)),
                arch("dense-act-dense", new Shape(1, 6, 6), 3,
                        new Layer.Dense(7), new Layer.Activation(P2), new Layer.Dense(5), new Layer.Activation(SQ),
                        new Layer.Dense(3)));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Architecture a : nets()) {
            for (boolean merge : new boolean[]{true, false}) {
                for (int perCt : new int[]{1, 2, 0}) {
                    out.add(Arguments.of(a, merge, perCt));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} merge={1} perCt={2}")
    @MethodSource("cases")
    void simulationEqualsPlainForward(Architecture arch, boolean merge, int perCt) {
        LoweredNet net = arch.lower();
        CompileOptions o = CompileOptions.defaults(merge).withMaxChannelsPerCiphertext(perCt);
        HePlan plan = HePlan.compileInsecure(net, o, 12);
        NetWeights w = TestNets.randomWeights(net, TestNets.SEED);
        for (int trial = 0; trial < 2; trial++) {
            double[] x = TestNets.randomInput(net.node(0).shape(), TestNets.SEED + trial);
            double[] want = PlainForward.logits(net, w, x);
            PlanSimulator.Result r = PlanSimulator.run(new PlanBinding(plan, NetFold.of(net).weights(w)), x);
            double[] got = r.logits();
            assertEquals(want.length, got.length);
            double scale = 0;
            for (double v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < want.length; i++) {
                double rel = Math.abs(got[i] - want[i]) / Math.max(scale, 1e-300);
                assertTrue(rel < 1e-9, arch.name() + " logit " + i + ": plan " + got[i] + " vs plain " + want[i]);
            }
            assertEquals(OpCounts.of(plan), r.counts(), "executed counts must equal the walked counts");
        }
    }
}
