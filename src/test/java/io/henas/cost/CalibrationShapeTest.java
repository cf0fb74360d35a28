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
import io.henas.json.Json;

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
    void aFormat2CacheIsReadAsSealTimings(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.json");
        Calibration c = Calibrator.calibrate(new FakeMeasurer(), CalibrationCacheTest.KEY,
                Map.of(ChainShape.seal(13), List.of(0, 1, 2)));
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) (Map<?, ?>) c.toJson();
        entry.put("format", Calibration.FORMAT_SEAL_ONLY);
        Json.writeFile(file, Map.of("format", Calibration.FORMAT_SEAL_ONLY, "calibrations", List.of(entry)));
        Calibration read = CalibrationCache.load(file, CalibrationCacheTest.KEY).orElseThrow();
        assertTrue(read.covers(List.of(ChainShape.seal(13))));
        assertFalse(read.covers(List.of(new ChainShape(13, 2, 2))));
    }

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
}
