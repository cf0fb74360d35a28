package io.henas.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.he.OpKind;

class CalibrationCacheTest {
    static final CalibrationKey KEY = new CalibrationKey("Test CPU 9000", 2, "25.0.1", 1);
    static final Map<ChainShape, List<Integer>> LEVELS = Map.of(ChainShape.seal(13), List.of(0, 1, 2),
            ChainShape.seal(14), List.of(0, 3, 6, 9));
    /** Every op at every level, except rescale and drop at level 0 (of both ring degrees), once per pass. */
    static final int MEASUREMENTS = (OpKind.values().length * (3 + 4) - 2 * 2) * Calibrator.PASSES;

    @Test
    void cacheIsReusedWhileTheKeyMatches(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("calibration.json");
        FakeMeasurer m = new FakeMeasurer();
        Calibration first = CalibrationCache.getOrCalibrate(file, KEY, m, LEVELS);
        assertEquals(MEASUREMENTS, m.calls.get());
        assertTrue(Files.exists(file));
        Calibration again = CalibrationCache.getOrCalibrate(file, KEY, m, LEVELS);
        assertEquals(MEASUREMENTS, m.calls.get(), "a valid cache must not be measured again");
        assertEquals(first, again);
        assertEquals(first, CalibrationCache.load(file, KEY).orElseThrow());
    }

    @Test
    void cacheIsInvalidatedWhenTheKeyChanges(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("calibration.json");
        FakeMeasurer m = new FakeMeasurer();
        CalibrationCache.getOrCalibrate(file, KEY, m, LEVELS);
        for (CalibrationKey other : List.of(new CalibrationKey("Other CPU", 2, "25.0.1", 1),
                new CalibrationKey("Test CPU 9000", 4, "25.0.1", 1), new CalibrationKey("Test CPU 9000", 2, "26", 1),
                new CalibrationKey("Test CPU 9000", 2, "25.0.1", 2),
                new CalibrationKey("Test CPU 9000", 2, "25.0.1", 1, KEY.evaluator() + 1))) {
            int before = m.calls.get();
            assertTrue(CalibrationCache.load(file, other).isEmpty());
            Calibration c = CalibrationCache.getOrCalibrate(file, other, m, LEVELS);
            assertEquals(before + MEASUREMENTS, m.calls.get(), "changed key " + other + " must recalibrate");
            assertEquals(other, c.key());
            assertEquals(other, CalibrationCache.load(file, other).orElseThrow().key(), "the new calibration is saved");
        }
        assertTrue(CalibrationCache.load(file, KEY).isPresent(), "entries for other keys are kept");
        assertEquals(6, CalibrationCache.readAll(file).size());
    }

    @Test
    void cacheIsExtendedWhenARingDegreeIsMissing(@TempDir Path dir) {
        Path file = dir.resolve("c.json");
        FakeMeasurer m = new FakeMeasurer();
        CalibrationCache.getOrCalibrate(file, KEY, m, Map.of(ChainShape.seal(13), List.of(0, 1)));
        int before = m.calls.get();
        Calibration c = CalibrationCache.getOrCalibrate(file, KEY, m, LEVELS);
        assertTrue(m.calls.get() > before);
        assertTrue(c.covers(LEVELS.keySet()));
    }

    @Test
    void malformedCacheIsRejectedByLoadAndReplacedByGetOrCalibrate(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.json");
        int f = Calibration.FORMAT;
        Files.writeString(file, "{\"format\": " + f + ", \"calibrations\": [{\"format\": " + f
                + ", \"key\": {\"cpu_model\": 3}}]}");
        IOException e = assertThrows(IOException.class, () -> CalibrationCache.load(file, KEY));
        assertTrue(e.getMessage().contains("key.cpu_model"), e.getMessage());
        Files.writeString(file, "not json");
        assertThrows(IOException.class, () -> CalibrationCache.load(file, KEY));
        FakeMeasurer m = new FakeMeasurer();
        CalibrationCache.getOrCalibrate(file, KEY, m, LEVELS);
        assertEquals(MEASUREMENTS, m.calls.get());
        assertTrue(CalibrationCache.load(file, KEY).isPresent());
    }

    @Test
    void fitsReproduceLinearTimingsAndInterpolate() {
        Calibration c = Calibrator.calibrate(new FakeMeasurer(), KEY, LEVELS);
        for (OpKind k : OpKind.values()) {
            for (int level = 0; level <= 9; level++) {
                double want = FakeMeasurer.us(14, level, k);
                assertEquals(want, c.microseconds(14, level, k), want * 1e-6, k + " at level " + level);
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.microseconds(15, 0, OpKind.ADD));
        assertTrue(e.getMessage().contains("logN 15"), e.getMessage());
    }

    @Test
    void defaultLevelsStayWithinTheSecureDepth() {
        Map<ChainShape, List<Integer>> d = Calibrator.defaultLevels(Calibrator.seal(Calibrator.DEFAULT_LOG_N));
        for (int logN : Calibrator.DEFAULT_LOG_N) {
            assertTrue(d.get(ChainShape.seal(logN)).getFirst() == 0);
            assertTrue(d.get(ChainShape.seal(logN)).getLast() == Calibrator.maxDepth(logN));
        }
        assertTrue(Calibrator.maxDepth(16) > Calibrator.maxDepth(13));
    }

    @Test
    void anOutdatedCacheMeansUncalibratedAndIsReplacedByCalibrating(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("calibration.json");
        Files.writeString(file, "{\"format\": 1, \"calibrations\": []}");
        assertTrue(CostModel.fromCache(file, 1).calibration().isEmpty());
        FakeMeasurer m = new FakeMeasurer();
        Calibration c = CalibrationCache.ensure(file, KEY, m, List.of(ChainShape.seal(13)));
        assertEquals(c, CalibrationCache.load(file, KEY).orElseThrow(), "the outdated file is replaced");
        int calls = m.calls.get();
        CalibrationCache.ensure(file, KEY, m, List.of(ChainShape.seal(13)));
        assertEquals(calls, m.calls.get(), "a ring degree already cached is not measured again");
        CalibrationCache.ensure(file, KEY, m, List.of(ChainShape.seal(13), ChainShape.seal(14)));
        assertTrue(m.calls.get() > calls, "a missing ring degree is measured");
        assertTrue(CalibrationCache.load(file, KEY).orElseThrow().covers(List.of(ChainShape.seal(13), ChainShape.seal(14))));
    }
}
