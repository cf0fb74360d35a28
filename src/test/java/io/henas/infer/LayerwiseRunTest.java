package io.henas.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.henas.cost.CostModel;
import io.henas.cost.MemoryModel;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.OpCounts;
import io.henas.he.OpKind;
import io.henas.he.PlanBinding;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.PlainForward;
import io.henas.ir.Shape;

/**
 * Layer-by-layer and end-to-end measurement of a tiny Fire network on real ciphertexts at an INSECURE ring
 * (N = 2^12, chain beyond the 128-bit bound: test speed only).
 */
class LayerwiseRunTest {
    private static final long SEED = 20261121L;

    static Architecture tinyFire() {
        ActivationKind sq = ActivationKind.SQUARE;
        return new Architecture("tiny-fire", new Shape(2, 8, 8), 3, List.of(new Layer.Conv(4, 3, 1),
                new Layer.BatchNorm(), new Layer.Activation(sq), new Layer.AvgPool(2),
                new Layer.Fire(2, 2, 2, sq, true), new Layer.GlobalAvgPool(), new Layer.Dense(3)));
    }

    private static HePlan insecurePlan(boolean merge) {
        return HePlan.compileInsecure(tinyFire().lower(), CompileOptions.defaults(merge), 12);
    }

    @Test
    void layerwiseRunMatchesPlaintextAndCountsEqualTheCostModel() {
        HePlan plan = insecurePlan(true);
        LoweredNet net = plan.net();
        double[] x = RandomWeights.input(net.node(0).shape(), SEED);
        NetWeights w = RandomWeights.of(net, x, SEED + 1);
        long twoKeys = 2 * MemoryModel.keySwitchKeyBytes(plan.parameters());
        LayerwiseRun.Options o = new LayerwiseRun.Options(LayerwiseRun.Mode.LAYERWISE, 2, 1, twoKeys, true);
        LayerwiseRun.Report r = LayerwiseRun.run(new PlanBinding(plan, w), List.of(x), o, null);

        assertEquals(LayerwiseRun.Mode.LAYERWISE, r.mode());
        assertEquals(OpCounts.of(plan), r.counts(), "executed counts equal the plan's");
        var cost = CostModel.uncalibrated().estimate("tiny", plan);
        assertEquals(cost.rotations(), r.segments().stream().mapToLong(LayerwiseRun.SegmentResult::rotations).sum());
        assertEquals(cost.total(OpKind.MUL_CT), r.counts().total(OpKind.MUL_CT));
        assertTrue(r.segments().size() >= 4, "one segment per layer at least, but had " + r.segments().size());
        Set<String> layers = new HashSet<>();
        for (LayerwiseRun.SegmentResult s : r.segments()) {
            assertTrue(s.segment().steps().size() <= Math.max(2, largestHoistGroup(plan)), s.segment()
                    + " must use at most 2 keys or one HOIST group's");
            assertEquals(2, s.samples());
            assertTrue(s.seconds() > 0);
            layers.add(s.segment().layer().replaceAll(" \\(part.*", ""));
        }
        assertTrue(layers.contains("layers[4]"), "the Fire module is measured: " + layers);
        double sum = r.segments().stream().mapToDouble(LayerwiseRun.SegmentResult::seconds).sum();
        assertEquals(sum, r.latencySeconds(), 1e-12);

        double[] want = PlainForward.logits(net, w, x);
        double[] got = r.logits().getFirst();
        double scale = 0;
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            err = Math.max(err, Math.abs(want[i] - got[i]));
            assertEquals(want[i], r.plainLogits().getFirst()[i], 1e-9 * Math.max(1, Math.abs(want[i])));
        }
        double bits = -Math.log(err / scale) / Math.log(2);
        assertTrue(bits >= 12, "decrypted logits must keep >= 12 bits, but kept " + bits);
        double segBits = -Math.log(r.maxAbsError() / r.segments().getLast().maxAbsValue()) / Math.log(2);
        assertTrue(segBits >= 10, "segment outputs must keep >= 10 bits, but kept " + segBits);
    }

    @Test
    void endToEndIsOneSegmentWithTheSameCounts() {
        HePlan plan = insecurePlan(false);
        LoweredNet net = plan.net();
        double[] x = RandomWeights.input(net.node(0).shape(), SEED);
        NetWeights w = RandomWeights.of(net, x, SEED + 1);
        LayerwiseRun.Report r = LayerwiseRun.run(new PlanBinding(plan, w), List.of(x),
                new LayerwiseRun.Options(null, 1, 1, 1L << 40, true), null);
        assertEquals(LayerwiseRun.Mode.END_TO_END, r.mode(), "auto picks end-to-end when the keys fit");
        assertEquals(1, r.segments().size());
        assertEquals(plan.galoisSteps().length, r.segments().getFirst().segment().steps().size());
        assertEquals(OpCounts.of(plan), r.counts());
        double[] want = PlainForward.logits(net, w, x);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], r.logits().getFirst()[i], 1e-3 * Math.max(1, Math.abs(want[i])), "logit " + i);
        }
    }

    @Test
    void segmentsCoverThePlanAndRespectTheKeyBudget() {
        HePlan plan = insecurePlan(true);
        List<LayerwiseRun.Segment> segs = LayerwiseRun.segments(plan, LayerwiseRun.Mode.LAYERWISE, 1);
        int at = 0;
        for (LayerwiseRun.Segment s : segs) {
            assertEquals(at, s.from(), "segments are contiguous");
            assertTrue(s.to() > s.from());
            at = s.to();
        }
        assertEquals(plan.instructionCount(), at);
        for (LayerwiseRun.Segment s : segs) {
            assertTrue(s.steps().size() <= largestHoistGroup(plan), s + " must need at most one HOIST group's keys");
        }
        assertTrue(segs.size() > LayerwiseRun.segments(plan, LayerwiseRun.Mode.LAYERWISE, 1000).size(),
                "a tight key budget cuts layers further");
    }

    @Test
    void keyMemoryIsCappedByTheHeap() {
        HePlan plan = insecurePlan(true);
        long per = MemoryModel.keySwitchKeyBytes(plan.parameters());
        assertEquals(100 * per, LayerwiseRun.effectiveKeyBudget(plan, 100 * per, 1L << 40), "room: as requested");
        long heap = 8L << 30;
        assertEquals(heap - per - (2L << 30), LayerwiseRun.effectiveKeyBudget(plan, 1L << 40, heap),
                "heap minus the relinearization key and a 2 GiB reserve");
        assertEquals(per, LayerwiseRun.effectiveKeyBudget(plan, 1L << 40, 0), "never below one key");
    }

    /** Rotations of the largest HOIST group: a segment cannot be cut inside one. */
    static int largestHoistGroup(HePlan plan) {
        int best = 1;
        for (int i = 0; i < plan.instructionCount(); i++) {
            if (plan.op(i) == io.henas.he.OpCode.HOIST) {
                int j = i + 1;
                while (j < plan.instructionCount() && plan.op(j) == io.henas.he.OpCode.ROTATE_HOISTED) {
                    j++;
                }
                best = Math.max(best, j - i - 1);
            }
        }
        return best;
    }

    @Test
    void insecureParametersAreRefusedUnlessAllowed() {
        HePlan plan = insecurePlan(true);
        double[] x = RandomWeights.input(plan.net().node(0).shape(), SEED);
        NetWeights w = RandomWeights.of(plan.net(), x, SEED);
        assertThrows(IllegalArgumentException.class, () -> LayerwiseRun.run(new PlanBinding(plan, w), List.of(x),
                LayerwiseRun.Options.defaults(), null));
        assertThrows(IllegalArgumentException.class, () -> new LayerwiseRun.Options(null, 0, 1, 1, false));
    }
}
