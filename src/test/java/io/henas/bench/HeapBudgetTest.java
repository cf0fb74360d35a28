package io.henas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.ckks.CkksParameters;
import io.henas.ckks.CkksPresets;
import io.henas.cost.Calibrator;
import io.henas.ring.Sampler;
import io.henas.rlwe.KeyGenerator;

class HeapBudgetTest {
    private static final long GB = 1L << 30;

    @Test
    void keyEstimateMatchesTheGeneratedKey() {
        CkksParameters p = CkksParameters.of(CkksPresets.INSECURE_N10);
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
        var key = kg.relinKey(kg.secretKey()).key();
        // the estimate is exact for the generator's layout, or an upper bound for one with fewer digits
        assertTrue(HeapBudget.bytes(key) <= HeapBudget.keyEstimate(p));
        assertTrue(HeapBudget.bytes(key) > 0);
    }

    @Test
    void logN16NeedsGigabytesAndLogN13Megabytes() {
        CkksParameters p16 = EvaluatorOpMeasurer.parametersFor(16);
        int l = p16.maxLevel();
        long key = HeapBudget.keyEstimate(p16);
        assertEquals(HeapBudget.polyBytes(1 << 16, l + 2, 2 * (l + 1)), key);
        long need = HeapBudget.calibrationNeed(p16, Calibrator.sampleLevels(16, 5), key, l + 1, l + 2, 4);
        // one key (not five: relinearization plus four rotations), the evaluator's idle work arrays (at least a
        // hoisted decomposition), its recycled limbs, the plaintexts products cycle through and the operands
        long pool = HeapBudget.polyBytes(1 << 16, 1, io.henas.ckks.Evaluator.scratchArrays(p16));
        long fixed = io.henas.ckks.Evaluator.recycledBytesCap() + (5L * EvaluatorOpMeasurer.PLAIN_STREAM_MIB << 20);
        assertTrue(pool >= HeapBudget.polyBytes(1 << 16, l + 2, l + 1), "the pool holds a decomposition");
        assertTrue(need > key + pool + fixed && need < 2 * key + pool + fixed,
                need / (double) GB + " GB vs key " + key / (double) GB + " GB and pool " + pool / (double) GB);
        CkksParameters p13 = EvaluatorOpMeasurer.parametersFor(13);
        long need13 = HeapBudget.calibrationNeed(p13, Calibrator.sampleLevels(13, 5), HeapBudget.keyEstimate(p13),
                p13.maxLevel() + 1, p13.maxLevel() + 2, 8);
        // logN 13 fits any default heap (a quarter of 4 GB)
        assertTrue(need13 < 1L << 30, need13 + " bytes");
    }

    /** Rotations cycle through 64 MiB of distinct keys (1 to 16 keys), and the heap estimate counts them all. */
    @Test
    void calibrationCyclesKeysFillingTheKeyStreamAndCountsThem() {
        assertEquals(EvaluatorOpMeasurer.MAX_GALOIS_KEYS, EvaluatorOpMeasurer.galoisKeyCount(1L << 20));
        assertEquals(4, EvaluatorOpMeasurer.galoisKeyCount(16L << 20));
        assertEquals(1, EvaluatorOpMeasurer.galoisKeyCount(1L << 30));
        for (int logN : new int[]{13, 16}) {
            CkksParameters p = EvaluatorOpMeasurer.parametersFor(logN);
            long key = io.henas.rlwe.KeySwitchKey.byteSize(p.rlwe(), p.maxLevel());
            int keys = EvaluatorOpMeasurer.galoisKeyCount(key);
            long oneKey = HeapBudget.calibrationNeed(p, Calibrator.sampleLevels(logN, 5), key,
                    p.rlwe().digitCount(p.maxLevel()), p.maxLevel() + 1 + p.rlwe().specialPrimeCount(),
                    EvaluatorOpMeasurer.hoistedSteps(logN, 1).length);
            assertEquals(oneKey + (keys - 1) * key, EvaluatorOpMeasurer.heapNeed(io.henas.cost.ChainShape.seal(logN)),
                    "logN " + logN + ": " + keys + " keys");
            assertTrue(logN == 13 ? keys > 4 : keys == 1, logN + ": " + keys);
        }
        int[] steps = EvaluatorOpMeasurer.hoistedSteps(13, 3);
        assertEquals(List.of(1, 2, 3, 1, 2, 3, 1, 2), java.util.Arrays.stream(steps).boxed().toList());
    }

    @Test
    void fitsDecidesAsRequireWithoutThrowing() {
        assertTrue(HeapBudget.fits(1024));
        assertFalse(HeapBudget.fits(Long.MAX_VALUE / 2));
    }

    @Test
    void checkNamesTheXmxToUse() {
        HeapBudget.check(GB, GB, 4 * GB, "x"); // 2 of 4 GB fits
        var e = assertThrows(HeapBudget.InsufficientHeapException.class,
                () -> HeapBudget.check(5 * GB, GB, 4 * GB, "calibrating logN 16"));
        assertTrue(e.getMessage().startsWith("calibrating logN 16 needs about 6.0 GB of heap"), e.getMessage());
        assertTrue(e.getMessage().contains("run with -Xmx7g"), e.getMessage()); // 6 GB / 0.9, rounded up
        assertTrue(e instanceof IllegalArgumentException); // exit code 2
    }

    @Test
    void affordableGivesAtMostItsShareOfTheFreeHeap() {
        Runtime rt = Runtime.getRuntime();
        long free = (long) (HeapBudget.USABLE * rt.maxMemory()) - (rt.totalMemory() - rt.freeMemory());
        assertEquals(1024, HeapBudget.affordable(1024, 8)); // a small want fits whole
        long huge = HeapBudget.affordable(Long.MAX_VALUE / 2, 8); // a huge one is cut to an eighth of the free heap
        assertTrue(huge > 0 && huge <= free / 8 + (1 << 20), huge + " vs " + free);
        assertTrue(HeapBudget.affordable(Long.MAX_VALUE / 2, 2) > huge);
    }

    @Test
    void calibratingWithTooSmallAHeapExitsWithTwoAndTheXmxToUse(@TempDir Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx200m", "-Duser.home=" + dir, "-cp", System.getProperty("java.class.path"), "io.henas.cli.Main",
                "bench", "calibrate", "--logn", "15", "--cache", dir.resolve("c.json").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out);
        assertTrue(out.contains("calibrating logN 15 needs about"), out);
        assertTrue(out.matches("(?s).*run with -Xmx[0-9]+g.*"), out);
        assertTrue(!out.contains("OutOfMemoryError"), out);
        assertTrue(new File(dir.toFile(), "c.json").length() == 0);
    }
}
