package io.henas.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.he.CompileOptions;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.he.OpKind;
import io.henas.he.ParameterSelector;
import io.henas.ir.Json;

/** Calibrations are keyed by ring degree and key-switching shape (k, alpha): a SEAL timing never prices a hybrid chain. */
class CalibrationShapeTest {
    static final ChainShape HYBRID = new ChainShape(14, 3, 2);

    @Test
    void shapeKeysRoundTripAndSealKeepsTheRingDegreeKey() {
        assertEquals("14", ChainShape.seal(14).key());
        assertEquals("14/k3/a2", HYBRID.key());
        assertEquals(HYBRID, ChainShape.parse("14/k3/a2"));
        assertEquals(ChainShape.seal(13), ChainShape.parse("13"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChainShape.parse("14/x3"));
        assertTrue(e.getMessage().contains("14/x3"), e.getMessage());
    }

    @Test
    void aSealCalibrationDoesNotCoverAHybridChainAndEnsureMeasuresIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.json");
        FakeMeasurer m = new FakeMeasurer();
        Calibration seal = CalibrationCache.ensure(file, CalibrationCacheTest.KEY, m, List.of(ChainShape.seal(14)));
        assertFalse(seal.covers(List.of(HYBRID)));
        int calls = m.calls.get();
        Calibration both = CalibrationCache.ensure(file, CalibrationCacheTest.KEY, m, List.of(HYBRID));
        assertTrue(m.calls.get() > calls, "the hybrid shape is measured, not borrowed from SEAL's");
        assertTrue(both.covers(List.of(HYBRID, ChainShape.seal(14))));
        int top = both.fits().get(HYBRID).get(OpKind.ROTATE).levels().getLast();
        assertEquals(FakeMeasurer.us(HYBRID, top, OpKind.ROTATE), both.microseconds(HYBRID, top, OpKind.ROTATE), 1e-6);
        assertNotEquals(both.microseconds(14, top, OpKind.ROTATE), both.microseconds(HYBRID, top, OpKind.ROTATE));
        // saved with the shape key and read back equal
        Calibration read = CalibrationCache.load(file, CalibrationCacheTest.KEY).orElseThrow();
        assertEquals(both, read);
        assertTrue(Files.readString(file).contains("\"14/k3/a2\""));
        // the calibrated levels stay within the deepest secure chain of that shape
        assertEquals(Calibrator.maxDepth(HYBRID), top);
    }

    @Test
    void aCacheOfAnOlderFormatCountsAsOutdatedAndIsRecalibrated(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.json");
        // format 3 as henas wrote it before snake_case keys ("cpu", "us")
        Map<String, Object> fit = Map.of("levels", List.of(0L, 1L), "us", List.of(1.0, 2.0), "coefficients",
                List.of(0.5, 0.5));
        Map<String, Object> entry = Map.of("format", 3L, "key", Map.of("cpu", KEY_CPU, "cores", 2L, "jdk", "25.0.1",
                "threads", 1L, "evaluator", (long) CalibrationCacheTest.KEY.evaluator()), "created", "2026-01-01T00:00:00Z",
                "fits", Map.of("13", Map.of("add", fit)));
        Json.writeFile(file, Map.of("format", 3L, "calibrations", List.of(entry)));
        assertThrows(Calibration.OutdatedException.class, () -> CalibrationCache.load(file, CalibrationCacheTest.KEY));
        assertTrue(CostModel.fromCache(file, 1).calibration().isEmpty(), "outdated: no calibration, a warning");
        FakeMeasurer m = new FakeMeasurer();
        Calibration c = CalibrationCache.ensure(file, CalibrationCacheTest.KEY, m, List.of(ChainShape.seal(13)));
        assertTrue(m.calls.get() > 0, "recalibrated");
        assertEquals(c, CalibrationCache.load(file, CalibrationCacheTest.KEY).orElseThrow());
        String text = Files.readString(file);
        assertTrue(text.contains("\"cpu_model\"") && text.contains("\"micros\"") && !text.contains("\"us\""), text);
    }

    private static final String KEY_CPU = CalibrationCacheTest.KEY.cpuModel();

    @Test
    void theCostModelPricesAHybridPlanWithItsShapesTimings() {
        // at N = 2^14 a depth-5 network has room for P: the selector picks hybrid key switching
        HeParameters p = ParameterSelector.at(14, 5, CompileOptions.defaults(true), List.of());
        assertTrue(p.specialPrimes() > 1 || p.digitSize() > 1, p.toString());
        ChainShape shape = ChainShape.of(p);
        assertTrue(Calibrator.maxDepth(shape) >= 5, "the chosen shape is calibrated at the plan's depth");
        HePlan plan = HePlan.compile(CostModelTest.small().lower(), CompileOptions.defaults(true).withLogN(14));
        ChainShape planShape = ChainShape.of(plan.parameters());
        Calibration sealOnly = Calibrator.calibrate(new FakeMeasurer(), CalibrationCacheTest.KEY,
                Calibrator.defaultLevels(List.of(ChainShape.seal(14))));
        if (!planShape.isSeal()) {
            assertTrue(new CostModel(sealOnly).estimate("s", plan).predictedLatencyS().isEmpty(),
                    "a SEAL-only calibration must not price a hybrid plan");
        }
        Calibration withShape = Calibrator.calibrate(new FakeMeasurer(), CalibrationCacheTest.KEY,
                Calibrator.defaultLevels(List.of(planShape)));
        assertTrue(new CostModel(withShape).estimate("s", plan).predictedLatencyS().isPresent());
    }

    @Test
    void batchPlansArePricedByTheirOwnShapeWhichTimesOnlyBatchKinds(@TempDir Path dir) throws IOException {
        ChainShape b = HYBRID.asBatch();
        assertEquals("14/k3/a2/batch", b.key());
        assertEquals(b, ChainShape.parse("14/k3/a2/batch"));
        assertEquals(ChainShape.seal(13).asBatch(), ChainShape.parse("13/batch"));
        assertThrows(IllegalArgumentException.class, () -> ChainShape.parse("/batch"));
        assertFalse(b.kinds().contains(OpKind.ROTATE) || b.kinds().contains(OpKind.ENCODE)
                || b.kinds().contains(OpKind.MUL_PLAIN));
        assertTrue(b.kinds().contains(OpKind.MUL_CONST_ACC) && b.kinds().contains(OpKind.RELINEARIZE));
        // a batch plan asks for the batch shape; a single-image calibration of the same chain does not price it
        HePlan plan = HePlan.compile(CostModelTest.small().lower(), CompileOptions.defaults(true),
                io.henas.he.Packing.BATCH);
        ChainShape shape = ChainShape.of(plan);
        assertTrue(shape.batch());
        assertEquals(ChainShape.of(plan.parameters()).asBatch(), shape);
        Path file = dir.resolve("c.json");
        FakeMeasurer m = new FakeMeasurer();
        Calibration single = CalibrationCache.ensure(file, CalibrationCacheTest.KEY, m,
                List.of(ChainShape.of(plan.parameters())));
        assertTrue(new CostModel(single).estimate("b", plan).predictedLatencyS().isEmpty());
        Calibration both = CalibrationCache.ensure(file, CalibrationCacheTest.KEY, m, List.of(shape));
        assertEquals(shape.kinds(), both.fits().get(shape).keySet(), "only the batch kinds are measured");
        assertTrue(both.covers(List.of(shape)));
        assertTrue(new CostModel(both).estimate("b", plan).predictedLatencyS().isPresent());
        assertEquals(both, CalibrationCache.load(file, CalibrationCacheTest.KEY).orElseThrow());
    }
}
