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

    /**
     * A training stage that re-costs the trained weights (the plan their export ships) sets the evaluation's cost on
     * every rung; the defaults' cost only decides whether the candidate trains at all.
     */
    @Test
    void recostedTrainingRanksByTheTrainedPlan() throws Exception {
        StagedEvaluator.Cost defaults = new StagedEvaluator.Cost(1.9, 7, 15, 9_000_000L);
        StagedEvaluator.Cost trained = new StagedEvaluator.Cost(0.6, 7, 14, 2_000_000L);
        StagedEvaluator<Integer> ev = new StagedEvaluator<>(c -> defaults,
                c -> StagedEvaluator.Training.ok(0.81, 3.0, trained),
                (c, rung) -> StagedEvaluator.Training.ok(0.85, 6.0, trained), new Constraints(16, 2.0, 100), 1,
                Map.of());
        Candidate<Integer> c = new Candidate<>(List.of(1), "k1", "n", "d", 1);
        assertEquals(Evaluation.ok(0.81, 0.6, 7, 14, 3.0).withKeyBytes(2_000_000L), ev.evaluate(c));
        assertEquals(Evaluation.ok(0.85, 0.6, 7, 14, 6.0).withKeyBytes(2_000_000L), ev.evaluate(c, 1));

        StagedEvaluator<Integer> tooSlow = new StagedEvaluator<>(c2 -> new StagedEvaluator.Cost(2.5, 7, 15),
                c2 -> {
                    throw new AssertionError("a candidate over the constraints under the defaults must not train");
                }, new Constraints(16, 2.0, 100), 1, Map.of());
        assertEquals(Evaluation.Status.INFEASIBLE, tooSlow.evaluate(c).status());
    }

    @Test
    void trainingSeedDependsOnRunSeedAndKeyOnly() {
        assertEquals(StagedEvaluator.seedFor(42, "a"), StagedEvaluator.seedFor(42, "a"));
        assertNotEquals(StagedEvaluator.seedFor(42, "a"), StagedEvaluator.seedFor(42, "b"));
        assertNotEquals(StagedEvaluator.seedFor(42, "a"), StagedEvaluator.seedFor(43, "a"));
    }
}
