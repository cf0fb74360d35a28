package io.henas.he;

import static io.henas.he.TestNets.arch;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The batch packing: simulation per image equals PlainForward, no rotations, one level per linear layer. */
class BatchPlanTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Architecture a : PlanSimulatorTest.nets()) {
            for (boolean merge : new boolean[]{true, false}) {
                out.add(Arguments.of(a, merge));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} merge={1}")
    @MethodSource("cases")
    void batchSimulationEqualsPlainForwardPerImage(Architecture arch, boolean merge) {
        LoweredNet net = arch.lower();
        HePlan plan = HePlan.compileInsecure(net, CompileOptions.defaults(merge), 12, Packing.BATCH);
        assertEquals(Packing.BATCH, plan.packing());
        assertEquals(0, plan.galoisSteps().length, "a batch plan rotates nothing");
        NetWeights w = TestNets.randomWeights(net, TestNets.SEED);
        PlanBinding b = new PlanBinding(plan, NetFold.of(net).weights(w));
        double[][] images = new double[3][];
        for (int t = 0; t < images.length; t++) {
            images[t] = TestNets.randomInput(net.node(0).shape(), TestNets.SEED + 7 * t);
        }
        PlanSimulator.BatchResult r = PlanSimulator.runBatch(b, images);
        assertEquals(images.length, r.logits().length);
        for (int t = 0; t < images.length; t++) {
            double[] want = PlainForward.logits(net, w, images[t]);
            double scale = 0;
            for (double v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < want.length; i++) {
                double rel = Math.abs(r.logits()[t][i] - want[i]) / Math.max(scale, 1e-300);
                assertTrue(rel < 1e-9, arch.name() + " image " + t + " logit " + i + ": plan " + r.logits()[t][i]
                        + " vs plain " + want[i]);
            }
        }
        assertEquals(OpCounts.of(plan), r.counts(), "executed counts must equal the walked counts");
        // the single-image entry point reads slot 0
        double[] one = PlanSimulator.run(b, images[0]).logits();
        assertEquals(r.logits()[0][0], one[0], 1e-12);
        for (int i = 0; i < plan.instructionCount(); i++) {
            OpCode op = plan.op(i);
            assertTrue(op != OpCode.ROTATE && op != OpCode.ROTATE_HOISTED && op != OpCode.HOIST
                    && op != OpCode.MUL_PLAIN && op != OpCode.MUL_PLAIN_ACC, "instruction " + i + " is " + op);
        }
    }

    @Test
    void convAndDenseCostOneLevelAndSquaresOne() {
        LoweredNet net = arch("c-sq-d", new Shape(1, 6, 6), 3, new Layer.Conv(2, 3, 1),
                new Layer.Activation(PlanSimulatorTest.SQ), new Layer.AvgPool(2), new Layer.Dense(3)).lower();
        HePlan plan = HePlan.compileInsecure(net, CompileOptions.defaults(true), 12, Packing.BATCH);
        assertEquals(3, plan.depth(), "conv + square + dense (pool merged)");
        // the dense layer's products are fused multiply-accumulates: one MUL_CONST per unit, the rest MUL_CONST_ACC
        long macs = 0;
        long firsts = 0;
        for (int i = 0; i < plan.instructionCount(); i++) {
            macs += plan.op(i) == OpCode.MUL_CONST_ACC ? 1 : 0;
            firsts += plan.op(i) == OpCode.MUL_CONST ? 1 : 0;
        }
        // conv: 2 x 36 outputs, 9 taps inside (fewer at the border); dense: 3 units x 18 inputs
        assertEquals(2 * 36 + 3, firsts);
        assertEquals(2 * (36 * 9 - 4 * 6 * 3 + 4) - 2 * 36 + 3 * 18 - 3, macs);
        assertEquals(1 * 6 * 6, plan.inputLayout().regCount());
        assertEquals(3, plan.outputLayout().regCount());
    }

    @Test
    void squaresReadOnlyByAPoolingSettleOncePerPooledValue() {
        // conv 2 x 6 x 6 -> square (72 products) -> pool 2 (18 sums) -> dense: 18 relinearizations and 18 rescales
        // for the squares instead of 72 each; a square read by a dense layer settles every value
        LoweredNet pooled = arch("c-sq-p-d", new Shape(1, 6, 6), 3, new Layer.Conv(2, 3, 1),
                new Layer.Activation(PlanSimulatorTest.SQ), new Layer.AvgPool(2), new Layer.Dense(3)).lower();
        LoweredNet direct = arch("c-sq-d", new Shape(1, 6, 6), 3, new Layer.Conv(2, 3, 1),
                new Layer.Activation(PlanSimulatorTest.SQ), new Layer.Dense(3)).lower();
        for (boolean merge : new boolean[]{true, false}) {
            HePlan p = HePlan.compileInsecure(pooled, CompileOptions.defaults(merge), 12, Packing.BATCH);
            assertEquals(72, count(p, OpCode.MUL_CT));
            assertEquals(18, count(p, OpCode.RELINEARIZE), "merge " + merge);
            HePlan d = HePlan.compileInsecure(direct, CompileOptions.defaults(merge), 12, Packing.BATCH);
            assertEquals(72, count(d, OpCode.RELINEARIZE), "merge " + merge);
            assertEquals(p.depth(), d.depth() + (merge ? 0 : 1), "the pooling costs a level only unmerged");
        }
    }

    @Test
    void aMergedShiftOfValuesNoOneElseReadsIsAddedInPlace() {
        // conv -> BN -> poly2: half the shift B'/A' is added to the conv outputs in place and the sum squared (the
        // centred square), instead of multiplying each output by a shifted copy of itself
        LoweredNet own = arch("c-bn-p2-d", new Shape(1, 4, 4), 3, new Layer.Conv(2, 3, 1), new Layer.BatchNorm(),
                new Layer.Activation(ActivationKind.POLY2), new Layer.Dense(3)).lower();
        HePlan p = HePlan.compileInsecure(own, CompileOptions.defaults(true), 12, Packing.BATCH);
        long inPlace = 0;
        for (int i = 0; i < p.instructionCount(); i++) {
            if (p.op(i) == OpCode.ADD_PLAIN) {
                assertEquals(p.a(i), p.dst(i), "instruction " + i + " copies its operand");
                inPlace++;
            }
        }
        assertEquals(2 * 16 + 2 * 16 + 3, inPlace, "conv biases, shifts and dense biases");
    }

    private static long count(HePlan plan, OpCode op) {
        long c = 0;
        for (int i = 0; i < plan.instructionCount(); i++) {
            c += plan.op(i) == op ? 1 : 0;
        }
        return c;
    }

    @Test
    void packBatchRejectsTooManyImagesAndSinglePlans() {
        LoweredNet net = arch("d", new Shape(1, 2, 2), 2, new Layer.Dense(2)).lower();
        HePlan plan = HePlan.compileInsecure(net, CompileOptions.defaults(true), 12, Packing.BATCH);
        PlanBinding b = new PlanBinding(plan, NetFold.of(net).weights(TestNets.randomWeights(net, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.packBatch(new double[plan.slots() + 1][4]));
        assertTrue(e.getMessage().contains("1 to 2048 images"), e.getMessage());
        HePlan single = HePlan.compileInsecure(net, CompileOptions.defaults(true), 12);
        PlanBinding sb = new PlanBinding(single, NetFold.of(net).weights(TestNets.randomWeights(net, 1)));
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> sb.packBatch(new double[1][4]));
        assertTrue(s.getMessage().contains("not batch"), s.getMessage());
    }

    @Test
    void batchPlanRoundTripsThroughTheCodec() throws Exception {
        LoweredNet net = arch("c", new Shape(1, 4, 4), 2, new Layer.Conv(2, 3, 2),
                new Layer.Activation(PlanSimulatorTest.P2), new Layer.Dense(2)).lower();
        HePlan plan = HePlan.compileInsecure(net, CompileOptions.defaults(true), 12, Packing.BATCH);
        HePlan back = PlanCodec.decode(PlanCodec.encode(plan), plan.net(), plan.options(), plan.parameters());
        assertEquals(plan.fingerprint(), back.fingerprint());
        assertEquals(Packing.BATCH, back.packing());
    }
}
