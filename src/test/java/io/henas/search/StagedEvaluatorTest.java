package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

class StagedEvaluatorTest {
    @Test
    void infeasibleCostIsNeverTrainedAndFailuresKeepTheCost() throws Exception {
        Set<String> trained = ConcurrentHashMap.newKeySet();
        StagedEvaluator<Integer> ev = new StagedEvaluator<>(
                c -> new StagedEvaluator.Cost(c.value() * 0.5, c.value(), 13, c.value() * 1_000_000L),
                c -> {
                    trained.add(c.key());
                    if (c.value() == 3) {
                        throw new IllegalStateException("diverged");
                    }
                    return StagedEvaluator.Training.ok(0.8, 7.5);
                },
                new Constraints(16, 2.0, 100), 2, Map.of("dataset", "fashion-mnist"));
        Evaluation slow = ev.evaluate(new Candidate<>(List.of(9), "k9", "n", "d", 9));
        assertEquals(Evaluation.Status.INFEASIBLE, slow.status());
        assertEquals("latency 4.500 s must be <= max_latency_s 2.000 (not trained)", slow.failureReason());
        assertEquals(4.5, slow.latencySeconds());
        assertTrue(Double.isNaN(slow.accuracy()));

        Evaluation fail = ev.evaluate(new Candidate<>(List.of(3), "k3", "n", "d", 3));
        assertEquals(Evaluation.Status.FAILED, fail.status());
        assertEquals("training: IllegalStateException: diverged", fail.failureReason());
        assertEquals(1.5, fail.latencySeconds());
        assertEquals(3_000_000L, fail.keyBytes());
        assertEquals(9_000_000L, slow.keyBytes(), "key memory is kept for infeasible candidates");

        Evaluation ok = ev.evaluate(new Candidate<>(List.of(2), "k2", "n", "d", 2));
        assertEquals(Evaluation.ok(0.8, 1.0, 2, 13, 7.5).withKeyBytes(2_000_000L), ok);
        assertEquals(Set.of("k3", "k2"), trained);
        assertEquals(2, ev.threadsPerEvaluation());
        assertEquals("fashion-mnist", ev.provenance().get("dataset"));
    }

    @Test
    void trainingSeedDependsOnRunSeedAndKeyOnly() {
        assertEquals(StagedEvaluator.seedFor(42, "a"), StagedEvaluator.seedFor(42, "a"));
        assertNotEquals(StagedEvaluator.seedFor(42, "a"), StagedEvaluator.seedFor(42, "b"));
        assertNotEquals(StagedEvaluator.seedFor(42, "a"), StagedEvaluator.seedFor(43, "a"));
    }
}
