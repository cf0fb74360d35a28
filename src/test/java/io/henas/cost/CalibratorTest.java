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

    /** A key switch's time: constant, per-prime, and per (digit x extended prime) work, as the evaluator does it. */
    private static double keySwitchTime(int level, int k, int alpha) {
        int primes = level + 1;
        int digits = (primes + alpha - 1) / alpha;
        return 300 + 40 * primes + 55.0 * digits * (primes + k);
    }

    @Test
    void keySwitchFitFollowsTheDigitStepsBetweenMeasuredLevels() {
        ChainShape shape = new ChainShape(13, 1, 2, false);
        OpMeasurer m = (s, level, op) -> Calibrator.keySwitching(op) ? keySwitchTime(level, 1, 2) : 10.0 + level;
        Calibration c = Calibrator.calibrate(m, new CalibrationKey("cpu", 2, "25", 1),
                Map.of(shape, List.of(0, 2, 3, 5, 6)));
        Calibration.Fit f = c.fits().get(shape).get(OpKind.ROTATE);
        assertEquals(new Calibration.KeySwitchTerms(1, 2), f.keySwitch());
        // levels 1 and 4 were not measured: level 1 still has one digit, level 4 three (steps a polynomial smooths)
        for (int l = 0; l <= 6; l++) {
            assertEquals(keySwitchTime(l, 1, 2), c.microseconds(shape, l, OpKind.ROTATE), 1e-6, "level " + l);
        }
        List<Double> quadratic = Calibrator.fit(f.levels(), f.micros(), 2);
        double q1 = quadratic.get(0) + quadratic.get(1) * 2 + quadratic.get(2) * 4;
        assertTrue(Math.abs(q1 - keySwitchTime(1, 1, 2)) > 20, "a quadratic misses level 1 by " + q1);
        // kinds without a key switch keep a line in the number of primes
        assertEquals(null, c.fits().get(shape).get(OpKind.ADD).keySwitch());
        assertEquals(14.0, c.microseconds(shape, 4, OpKind.ADD), 1e-6);
    }

    @Test
    void keySwitchFitFallsBackWhenTheLevelsCannotSeparateItsTerms() {
        // digits of 8 primes: one digit at every measured level, so dnum (L + k) is a line in L
        ChainShape wide = new ChainShape(14, 2, 8, false);
        OpMeasurer m = (s, level, op) -> Calibrator.keySwitching(op) ? keySwitchTime(level, 2, 8) : 5.0;
        Calibration c = Calibrator.calibrate(m, new CalibrationKey("cpu", 2, "25", 1),
                Map.of(wide, List.of(0, 3, 6)));
        for (int l = 0; l <= 6; l++) {
            assertEquals(keySwitchTime(l, 2, 8), c.microseconds(wide, l, OpKind.RELINEARIZE), 1e-6, "level " + l);
        }
        // one measured level: the mean
        Calibration one = Calibrator.calibrate(m, new CalibrationKey("cpu", 2, "25", 1), Map.of(wide, List.of(2)));
        assertEquals(keySwitchTime(2, 2, 8), one.microseconds(wide, 5, OpKind.ROTATE), 1e-6);
    }

    @Test
    void eachLevelIsTheMedianOfItsPassesSoOneDisturbedPassDoesNotMoveIt() {
        List<String> order = new ArrayList<>();
        OpMeasurer m = new OpMeasurer() {
            @Override
            public double microseconds(ChainShape shape, int level, OpKind op) {
                throw new AssertionError("calibration must measure by pass");
            }

            @Override
            public void warmUp(ChainShape shape, int level, OpKind op) {
                if (op == OpKind.ROTATE || op == OpKind.ADD) {
                    order.add("warm-" + op.key() + "@" + level);
                }
            }

            @Override
            public double microseconds(ChainShape shape, int level, OpKind op, int pass) {
                if (op == OpKind.ROTATE || op == OpKind.ADD) {
                    order.add(op.key() + pass + "@" + level);
                }
                // pass 0 of level 0 ran while the JIT was still compiling; two passes of level 1 met host spells
                // (the middle three passes hold); three passes of level 2 ran 30% slow (the host slow for a good part
                // of the calibration: the level moves a third of the way)
                boolean spell = level == 1 && (pass == 1 || pass == 4);
                boolean slowHalf = level == 2 && pass >= Calibrator.PASSES - 3;
                double disturbed = (pass == 0 && level == 0) || spell ? 3 : slowHalf ? 1.3 : 1;
                return disturbed * (100.0 + 50 * level);
            }
        };
        assertEquals(7, Calibrator.PASSES);
        Calibration c = Calibrator.calibrate(m, new CalibrationKey("cpu", 2, "25", 1),
                Map.of(ChainShape.seal(13), List.of(0, 1, 2)));
        List<Double> us = c.fits().get(ChainShape.seal(13)).get(OpKind.ROTATE).micros();
        assertEquals(100.0, us.get(0), 1e-9);
        assertEquals(150.0, us.get(1), 1e-9);
        assertEquals(200.0 * (1 + 0.3 / 3), us.get(2), 1e-9);
        // every pass's time is kept, in pass order; a pass alone is fitted from its own times
        Calibration.Fit rot = c.fits().get(ChainShape.seal(13)).get(OpKind.ROTATE);
        assertEquals(List.of(300.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0), rot.passes().get(0));
        assertEquals(List.of(150.0, 450.0, 150.0, 150.0, 450.0, 150.0, 150.0), rot.passes().get(1));
        assertEquals(7, c.passCount());
        Calibration.Fit last = c.pass(6).fits().get(ChainShape.seal(13)).get(OpKind.ROTATE);
        assertEquals(List.of(100.0, 150.0, 260.0), last.micros());
        assertEquals(List.of(List.of(100.0), List.of(150.0), List.of(260.0)), last.passes());
        Calibration.Fit add = c.pass(6).fits().get(ChainShape.seal(13)).get(OpKind.ADD);
        assertEquals(List.of(100.0, 150.0, 260.0), add.micros());
        assertEquals(2, add.coefficients().size(), "a pass is fitted with the whole calibration's polynomial degree");
        // an untimed warm-up of every kind and level (ending with the kind pass 0 begins with), then every kind and
        // level once per pass, the passes one after another (a level's timings spread over the whole
        // calibration), odd passes in reverse kind order (one key swap per pass)
        List<String> want = new ArrayList<>(List.of("warm-add@0", "warm-add@1", "warm-add@2", "warm-rotate@0",
                "warm-rotate@1", "warm-rotate@2"));
        for (int pass = 0; pass < Calibrator.PASSES; pass++) {
            for (String kind : pass % 2 == 0 ? List.of("rotate", "add") : List.of("add", "rotate")) {
                for (int level = 0; level <= 2; level++) {
                    want.add(kind + pass + "@" + level);
                }
            }
        }
        assertEquals(want, order);
    }
}
