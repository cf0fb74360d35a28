package io.henas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void sealDefaultChainsHaveTheSealShape() {
        assertEquals(218, CkksBench.sealDefault(13).rlwe().logQP());
        assertEquals(3, CkksBench.sealDefault(13).maxLevel()); // 4 data primes + P
        assertEquals(438, CkksBench.sealDefault(14).rlwe().logQP());
        assertEquals(8, CkksBench.sealDefault(14).maxLevel() + 1);
        assertEquals(881, CkksBench.sealDefault(15).rlwe().logQP());
        assertEquals(15, CkksBench.sealDefault(15).maxLevel() + 1); // 15 data primes of 55 bits + a 56-bit P
        assertEquals(0x1p40, CkksBench.sealDefault(15).defaultScale()); // seal-ops encodes at 2^40 on every degree
        assertThrows(IllegalArgumentException.class, () -> CkksBench.sealDefault(12));
    }
}
