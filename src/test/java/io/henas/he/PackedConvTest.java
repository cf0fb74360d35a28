package io.henas.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
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

/** Multiplexed packing ({@link Packing#MULTIPLEXED}): plans equal the plain forward pass and need fewer products. */
class PackedConvTest {
    static final ActivationKind SQ = ActivationKind.SQUARE;
    static final ActivationKind P2 = ActivationKind.POLY2;

    static List<Architecture> nets() {
        return List.of(
                TestNets.arch("fashion-like", new Shape(1, 28, 28), 10,
                        new Layer.Conv(32, 5, 2), new Layer.BatchNorm(), new Layer.Activation(P2),
                        new Layer.Conv(64, 3, 2), new Layer.BatchNorm(), new Layer.Activation(P2), new Layer.Dense(10)),
                TestNets.arch("odd-k3-k5-stride1-2", new Shape(3, 13, 11), 4,
                        new Layer.Conv(5, 3, 2), new Layer.Activation(SQ),
                        new Layer.Conv(7, 5, 1), new Layer.BatchNorm(), new Layer.Activation(P2),
                        new Layer.Conv(6, 3, 2), new Layer.Activation(P2), new Layer.Dense(4)),
                TestNets.arch("k5-stride2-twice-to-conv-head", new Shape(2, 16, 16), 3,
                        new Layer.Conv(9, 5, 2), new Layer.Activation(P2),
                        new Layer.Conv(11, 5, 2), new Layer.Activation(SQ),
                        new Layer.Conv(5, 3, 1), new Layer.Activation(P2), new Layer.Dense(3)),
                TestNets.arch("mux-then-pool-falls-back", new Shape(2, 12, 12), 3,
                        new Layer.Conv(10, 3, 2), new Layer.Activation(SQ),
                        new Layer.Conv(12, 3, 2), new Layer.Activation(P2), new Layer.GlobalAvgPool(),
                        new Layer.Dense(3)));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Architecture a : nets()) {
            for (boolean merge : new boolean[]{true, false}) {
                for (int logN : new int[]{12, 13}) {
                    out.add(Arguments.of(a, merge, logN));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} merge={1} logN={2}")
    @MethodSource("cases")
    void multiplexedPlanEqualsPlainForward(Architecture arch, boolean merge, int logN) {
        LoweredNet net = arch.lower();
        CompileOptions o = CompileOptions.defaults(merge);
        HePlan plan = HePlan.compileInsecure(net, o, logN, Packing.MULTIPLEXED);
        HePlan blocks = HePlan.compileInsecure(net, o, logN, Packing.BLOCKS);
        assertEquals(Packing.MULTIPLEXED, plan.packing());
        NetWeights w = TestNets.randomWeights(net, TestNets.SEED);
        for (int trial = 0; trial < 2; trial++) {
            double[] x = TestNets.randomInput(net.node(0).shape(), TestNets.SEED + trial);
            double[] want = PlainForward.logits(net, w, x);
            PlanSimulator.Result r = PlanSimulator.run(new PlanBinding(plan, NetFold.of(net).weights(w)), x);
            double[] got = r.logits();
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
        boolean mux = plan.layouts().stream().anyMatch(Layout::multiplexed);
        assertFalse(blocks.layouts().stream().anyMatch(Layout::multiplexed), "block packing never multiplexes");
        if (mux) {
            assertTrue(OpCounts.of(plan).plainProducts() <= OpCounts.of(blocks).plainProducts(),
                    "multiplexing must save products: " + OpCounts.of(plan).plainProducts() + " vs "
                            + OpCounts.of(blocks).plainProducts());
        } else {
            assertEquals(blocks.fingerprint(), plan.fingerprint(), "without a multiplexed layout the plans agree");
        }
    }

    @Test
    void fashionLikeNetMultiplexesBothConvolutions() {
        LoweredNet net = nets().getFirst().lower();
        HePlan plan = HePlan.compileInsecure(net, CompileOptions.defaults(true), 13, Packing.MULTIPLEXED);
        long muxLayouts = plan.layouts().stream().filter(Layout::multiplexed).count();
        assertTrue(muxLayouts >= 2, "both strided convolutions write multiplexed layouts, but " + plan.layouts());
        // 64 channels of 7x7 at gap 4: 16 per block, 4 blocks: one ciphertext.
        int conv2 = -1;
        for (LoweredNet.Node n : net.nodes()) {
            if (n.op() instanceof io.henas.ir.Op.Conv) {
                conv2 = n.id();
            }
        }
        assertEquals(1, plan.layout(plan.nodeLayout(conv2)).regCount());
        HePlan blocks = HePlan.compileInsecure(net, CompileOptions.defaults(true), 13, Packing.BLOCKS);
        long mux = OpCounts.of(plan).plainProducts();
        long old = OpCounts.of(blocks).plainProducts();
        assertTrue(4 * mux < old, "at least 4x fewer products: " + mux + " vs " + old);
        System.out.println("fashion-like logN 13: mul_plain " + old + " -> " + mux + ", rotations "
                + (OpCounts.of(blocks).total(OpKind.ROTATE) + OpCounts.of(blocks).total(OpKind.ROTATE_HOISTED)) + " -> "
                + (OpCounts.of(plan).total(OpKind.ROTATE) + OpCounts.of(plan).total(OpKind.ROTATE_HOISTED))
                + ", Galois steps " + blocks.galoisSteps().length + " -> " + plan.galoisSteps().length);
    }

    @Test
    void poolingConsumerKeepsBlockPacking() {
        LoweredNet net = nets().getLast().lower();
        HePlan plan = HePlan.compileInsecure(net, CompileOptions.defaults(true), 12, Packing.MULTIPLEXED);
        for (LoweredNet.Node n : net.nodes()) {
            if (net.consumers(n.id()).stream().anyMatch(k -> net.node(k).op() instanceof io.henas.ir.Op.GlobalAvgPool)) {
                assertFalse(plan.layout(plan.nodeLayout(n.id())).multiplexed(), n.name() + " feeds a pooling");
            }
        }
    }

    @Test
    void packingVersionsRoundTrip() {
        for (Packing p : Packing.values()) {
            assertEquals(p, Packing.of(p.version()));
        }
        assertThrows(IllegalArgumentException.class, () -> Packing.of(0));
    }
}
