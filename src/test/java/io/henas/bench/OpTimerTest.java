package io.henas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.henas.ckks.CkksParameters;
import io.henas.ckks.CkksPresets;

class OpTimerTest {
    @AfterAll
    static void clear() {
        OpTimer.clear();
    }

    @Test
    void everyOpHasAPositiveMedian() {
        CkksParameters p = CkksParameters.of(CkksPresets.INSECURE_N10);
        for (String op : OpTimer.OPS) {
            double us = OpTimer.median(p, 2, op, 1, 3);
            assertTrue(us >= 0 && Double.isFinite(us), op + ": " + us);
            if (!op.equals("rotate_hoisted")) {
                assertTrue(us > 0, op + ": " + us);
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> OpTimer.median(p, 2, "fft", 1));
        assertTrue(e.getMessage().startsWith("op must be one of [add, "), e.getMessage());
        assertTrue(OpTimer.median(p, 0, "rotate", 1, 3) > 0, "level 0 is measurable for ops that keep the level");
        var e2 = assertThrows(IllegalArgumentException.class, () -> OpTimer.median(p, 3, "add", 1));
        assertEquals("level must be in [0, 2], but was 3", e2.getMessage());
    }

    @Test
    void sealAnchorsAreReadFromTheBundledFile() {
        SealAnchors s = SealAnchors.load();
        assertEquals(79.3, s.micros(13, "ntt_forward"));
        assertEquals(4451, s.micros(13, "mul_relin_rescale"));
        assertEquals(20012, s.micros(14, "rotate_1"));
        assertTrue(Double.isNaN(s.micros(13, "rotate_hoisted_8")));
        assertFalse(s.all(15).isEmpty());
    }

    @Test
    void tableShowsRatios() {
        String t = CkksBench.table(Map.of(13, Map.of("ntt_forward", 158.6, "rotate_1", 100.0,
                "rotate_hoisted_8", 400.0)), 1, SealAnchors.load());
        assertTrue(t.contains("ntt_forward"), t);
        assertTrue(t.contains("2.00"), t); // 158.6 / 79.3
        assertTrue(t.contains("rotate_hoisted_8 / (8 x rotate_1) = 0.50"), t);
    }

    @Test
    void sealDefaultChainsHaveTheSealShape() {
        assertEquals(218, CkksBench.sealDefault(13).rlwe().logQP());
        assertEquals(3, CkksBench.sealDefault(13).maxLevel()); // 4 data primes + P
        assertEquals(438, CkksBench.sealDefault(14).rlwe().logQP());
        assertEquals(8, CkksBench.sealDefault(14).maxLevel() + 1);
        assertThrows(IllegalArgumentException.class, () -> CkksBench.sealDefault(12));
    }
}
