package io.henas.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.henas.cost.Calibration;
import io.henas.cost.CalibrationKey;
import io.henas.cost.Calibrator;
import io.henas.cost.ChainShape;
import io.henas.cost.CostModel;
import io.henas.cost.CostReport;
import io.henas.he.OpKind;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;

/** Calibrates on the real evaluator at N = 2^13 (slow: keys and timings). */
@Tag("slow")
class EvaluatorOpMeasurerTest {
    @Test
    void calibratesTheRealEvaluator() {
        Architecture a = new Architecture("fashion-small", new Shape(1, 28, 28), 10, List.of(
                new Layer.Conv(8, 5, 2), new Layer.Activation(ActivationKind.SQUARE), new Layer.AvgPool(2),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        // the key-switching shape the selector picks for this network (not necessarily SEAL's)
        ChainShape shape = ChainShape.of(io.henas.he.HePlan.compile(a.lower(),
                io.henas.he.CompileOptions.defaults(true)));
        try (EvaluatorOpMeasurer m = new EvaluatorOpMeasurer(1)) {
            Map<ChainShape, List<Integer>> levels = Map.of(shape, Calibrator.sampleLevels(shape, 3));
            Calibration c = Calibrator.calibrate(m, CalibrationKey.current(), levels);
            for (OpKind k : OpKind.values()) {
                System.out.printf("%-15s %s us%n", k.key(), c.fits().get(shape).get(k).micros());
            }
            int top = levels.get(shape).getLast();
            assertTrue(c.microseconds(shape, top, OpKind.ROTATE) > c.microseconds(shape, top, OpKind.ADD));
            assertTrue(c.microseconds(shape, top, OpKind.RELINEARIZE) > c.microseconds(shape, top, OpKind.MUL_PLAIN));
            assertTrue(c.microseconds(shape, top, OpKind.ROTATE) > c.microseconds(shape, 1, OpKind.ROTATE) * 0.9);
            CostReport r = new CostModel(c).estimate(a, true);
            System.out.println(r.table());
            assertTrue(r.logN() == 13 && r.predictedLatencyS().getAsDouble() > 0);
        }
    }
}
