package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.jenetics.ext.moea.Vec;

/** Objective directions and the infeasible-last constraint ranking (also covers {@link Constraints}). */
class FitnessTest {
    private final Constraints limits = new Constraints(14, 2.0, 6);

    @Test
    void objectivesAreMaximisedAccuracyAndNegatedLatencyAndDepth() {
        Vec<double[]> fast = Fitness.of(Evaluation.ok(0.8, 0.5, 4, 13, 1), limits, true);
        Vec<double[]> slow = Fitness.of(Evaluation.ok(0.8, 1.5, 4, 13, 1), limits, true);
        Vec<double[]> deep = Fitness.of(Evaluation.ok(0.8, 0.5, 6, 13, 1), limits, true);
        assertEquals(1, fast.dominance(slow));
        assertEquals(1, fast.dominance(deep));
        assertEquals(3, fast.length());
        assertEquals(2, Fitness.of(Evaluation.ok(0.8, 0.5, 4, 13, 1), limits, false).length());
        Vec<double[]> accurateButSlow = Fitness.of(Evaluation.ok(0.9, 1.5, 4, 13, 1), limits, false);
        Vec<double[]> fast2 = Fitness.of(Evaluation.ok(0.8, 0.5, 4, 13, 1), limits, false);
        assertEquals(0, accurateButSlow.dominance(fast2));
    }

    @Test
    void everyFeasibleDominatesEveryInfeasibleWhichDominatesFailed() {
        Vec<double[]> worstFeasible = Fitness.of(Evaluation.ok(0.0, 1.99, 6, 14, 1), limits, false);
        Evaluation slightly = limits.apply(Evaluation.ok(0.99, 2.2, 1, 13, 1));
        Evaluation badly = limits.apply(Evaluation.ok(0.99, 9.0, 1, 16, 1));
        assertEquals(Evaluation.Status.INFEASIBLE, slightly.status());
        assertEquals("latency 2.200 s must be <= max_latency_s 2.000", slightly.failureReason());
        assertEquals("logN 16 must be <= max_logn 14; latency 9.000 s must be <= max_latency_s 2.000",
                badly.failureReason());
        Vec<double[]> vs = Fitness.of(slightly, limits, false);
        Vec<double[]> vb = Fitness.of(badly, limits, false);
        Vec<double[]> failed = Fitness.of(Evaluation.failed("out of memory"), limits, false);
        assertEquals(1, worstFeasible.dominance(vs));
        assertEquals(1, vs.dominance(vb));
        assertEquals(1, vb.dominance(failed));
    }

    @Test
    void feasibleEvaluationsPassThroughAndBadValuesAreRejected() {
        Evaluation ok = Evaluation.ok(0.9, 2.0, 6, 14, 1);
        assertSame(ok, limits.apply(ok));
        assertEquals("accuracy must be in [0, 1], but was 1.5",
                assertThrows(IllegalArgumentException.class, () -> Evaluation.ok(1.5, 1, 1, 13, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Constraints(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Constraints(14, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> ok.withKeyBytes(-2));
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(Evaluation.Status.FAILED, Double.NaN, Double.NaN, -1, -1, 0, ""));
    }

    @Test
    void keyMemoryIsAConstraintWhenKnown() {
        Constraints keys = new Constraints(15, 10.0, 20, 60_000_000L);
        Evaluation small = Evaluation.ok(0.9, 1.0, 5, 13, 1).withKeyBytes(27_000_000L);
        Evaluation big = Evaluation.ok(0.9, 1.0, 5, 13, 1).withKeyBytes(120_000_000L);
        Evaluation unknown = Evaluation.ok(0.9, 1.0, 5, 13, 1);
        assertEquals(0.0, keys.violation(small));
        assertEquals(1.0, keys.violation(big), 1e-12);
        assertEquals(0.0, keys.violation(unknown), "unknown key memory does not count");
        assertEquals("key memory 120000000 bytes must be <= max_key_bytes 60000000", keys.describeViolation(big));
        assertEquals(Evaluation.Status.INFEASIBLE, keys.apply(big).status());
        assertEquals(120_000_000L, keys.apply(big).keyBytes(), "the measurement is kept");
        assertTrue(Fitness.of(keys.apply(small), keys, false).dominance(Fitness.of(keys.apply(big), keys, false)) > 0);
    }
}
