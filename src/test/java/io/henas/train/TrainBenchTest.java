package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.henas.data.DataSplit;
import io.henas.data.Datasets;

/** The benchmark networks train on the shipped subset (slow: a real proxy evaluation). */
@Tag("slow")
class TrainBenchTest {
    @Test
    void typicalProxyEvaluationLearns() throws IOException {
        DataSplit s = Datasets.shippedSubset();
        TrainResult r = Trainer.train(TrainBench.typical(), TrainConfig.proxy(1, 6000, 1000, 1L), s.train(), s.test());
        assertEquals(TrainResult.Status.OK, r.status(), r.failureReason());
        assertTrue(r.evalAccuracy() > 0.5, "accuracy " + r.evalAccuracy());
    }

    @Test
    void heFriendlyNetLearnsOnTheSubset() throws IOException {
        DataSplit s = Datasets.shippedSubset();
        TrainResult r = Trainer.train(TrainBench.heFriendly(), TrainConfig.full(2, 1L), s.train(), s.test());
        assertEquals(TrainResult.Status.OK, r.status(), r.failureReason());
        assertTrue(r.evalAccuracy() > 0.75, "accuracy " + r.evalAccuracy());
        assertTrue(r.folded().net().nodes().stream().noneMatch(n -> n.op() instanceof io.henas.ir.Op.BatchNorm));
    }
}
