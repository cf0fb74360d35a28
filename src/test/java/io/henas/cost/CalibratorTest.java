package io.henas.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.henas.he.OpKind;

class CalibratorTest {
    @Test
    void sampledLevelsIncludeBothEndsOfTheChain() {
        List<Integer> l = Calibrator.sampleLevels(14, 5);
        assertEquals(0, l.getFirst());
        assertEquals(Calibrator.maxDepth(14), l.getLast());
        assertEquals(5, l.size());
    }

    @Test
    void levelZeroIsMeasuredExceptForOpsThatConsumeALevel() {
        List<String> asked = new ArrayList<>();
        OpMeasurer m = (logN, level, op) -> {
            asked.add(op + "@" + level);
            return 100.0 + 10 * level + (op == OpKind.ROTATE ? 1000 : 0);
        };
        Calibration c = Calibrator.calibrate(m, new CalibrationKey("cpu", 2, "25", 1), Map.of(ChainShape.seal(13), List.of(0, 1, 2)));
        assertTrue(asked.contains("ROTATE@0"), asked.toString());
        assertFalse(asked.contains("RESCALE@0"), asked.toString());
        assertFalse(asked.contains("DROP_LEVEL@0"), asked.toString());
        // a measured level is reproduced by the fit, not extrapolated
        assertEquals(1100.0, c.microseconds(13, 0, OpKind.ROTATE), 1e-6);
        assertEquals(List.of(1, 2), c.fits().get(ChainShape.seal(13)).get(OpKind.RESCALE).levels());
    }
}
