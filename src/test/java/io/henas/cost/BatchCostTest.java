package io.henas.cost;

import static io.henas.he.TestNets.arch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.OpKind;
import io.henas.he.Packing;
import io.henas.ir.ActivationKind;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.Shape;

/** Costing batch-packed plans: liveness-based peak memory, images per run, no rotations, no Galois keys. */
class BatchCostTest {
    @Test
    void peakCiphertextBytesCountsEachLiveRegisterAtItsLevel() {
        LoweredNet net = arch("d", new Shape(1, 2, 2), 2, new Layer.Dense(2)).lower();
        HePlan plan = HePlan.compileInsecure(net, CompileOptions.defaults(true), 12, Packing.BATCH);
        assertEquals(1, plan.depth());
        // when unit 1's accumulator is created: 4 inputs and it at level 1 (2 limbs), unit 0's sum rescaled (1 limb)
        long limb = 2L * 4096 * 8;
        assertEquals((4 * 2 + 2 + 1) * limb, MemoryModel.peakCiphertextBytes(plan));
        assertEquals(6, MemoryModel.peakLiveRegisters(plan));
    }

    @Test
    void batchReportCountsNoRotationsAndReportsImagesPerRun() {
        LoweredNet net = arch("c", new Shape(1, 8, 8), 3, new Layer.Conv(3, 3, 2),
                new Layer.Activation(ActivationKind.SQUARE), new Layer.Dense(3)).lower();
        HePlan plan = HePlan.compile(net, CompileOptions.defaults(true), Packing.BATCH);
        CostReport r = CostModel.uncalibrated().estimate("c", plan);
        assertEquals("batch", r.packing());
        assertEquals(plan.slots(), r.imagesPerRun());
        assertEquals(0, r.rotations());
        assertEquals(0, r.galoisKeyBytes());
        assertTrue(r.imagesPerSecond().isEmpty(), "no latency without a calibration");
        // 3 x 4 x 4 outputs of 3x3 taps (stride 2, pad 1: 9, 6 at the top/left border) + 3 x 48 dense products
        long conv = 3L * (9 * 9 + 6 * 6 + 1 * 4);
        assertEquals(conv + 3 * 48, r.mulPlain());
        assertEquals(3L * 16 + 3, r.total(OpKind.MUL_CONST), "one product starts each accumulator");
        assertEquals(r.peakMemoryBytes(), r.toJson().get("peak_memory_bytes"));
        assertTrue(r.peakMemoryBytes() <= (long) r.peakCiphertexts() * r.ciphertextBytes());
        CostReport single = CostModel.uncalibrated().estimate("c", HePlan.compile(net, CompileOptions.defaults(true)));
        assertEquals("single", single.packing());
        assertEquals(1, single.imagesPerRun());
    }

    @Test
    void aCalibrationWithoutTheFusedKindStillCoversAndBoundsIt() {
        ChainShape shape = ChainShape.seal(13);
        Calibration full = Calibrator.calibrate(new FakeMeasurer(), CalibrationCacheTest.KEY,
                java.util.Map.of(shape, java.util.List.of(0, 1, 2)));
        java.util.Map<OpKind, Calibration.Fit> old = new java.util.EnumMap<>(full.fits().get(shape));
        old.remove(OpKind.MUL_CONST_ACC);
        Calibration before = new Calibration(full.key(), full.created(), java.util.Map.of(shape, old));
        assertTrue(before.covers(java.util.List.of(shape)));
        assertEquals(before.microseconds(shape, 2, OpKind.MUL_CONST) + before.microseconds(shape, 2, OpKind.ADD),
                before.microseconds(shape, 2, OpKind.MUL_CONST_ACC), 1e-9);
        assertEquals(new FakeMeasurer().microseconds(shape, 2, OpKind.MUL_CONST_ACC),
                full.microseconds(shape, 2, OpKind.MUL_CONST_ACC), 1e-6);
        old.remove(OpKind.ADD);
        assertTrue(!new Calibration(full.key(), full.created(), java.util.Map.of(shape, old))
                .covers(java.util.List.of(shape)));
    }
}
