package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LocalEvaluationPoolTest {
    static Candidate<String> c(String key) {
        return new Candidate<>(List.of(), key, key, key, key);
    }

    @Test
    void runsEvaluationsConcurrentlyAndReportsEachOnce() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        CandidateEvaluator<String> ev = c -> {
            both.countDown();
            // only returns quickly if the other evaluation runs at the same time
            boolean together = both.await(10, TimeUnit.SECONDS);
            return Evaluation.ok(together ? 1.0 : 0.0, 1, 1, 13, 0);
        };
        Map<String, Evaluation> got = new ConcurrentHashMap<>();
        try (LocalEvaluationPool<String> pool = new LocalEvaluationPool<>(ev, 2)) {
            pool.evaluateAll(List.of(c("a"), c("b")), o -> {
                if (got.put(o.candidate().key(), o.evaluation()) != null) {
                    throw new AssertionError("reported twice: " + o.candidate().key());
                }
                assertTrue(!o.finished().isBefore(o.started()));
            });
        }
        assertEquals(1.0, got.get("a").accuracy());
        assertEquals(1.0, got.get("b").accuracy());
    }

    @Test
    void anExceptionBecomesAFailedTrialAndAnErrorAbortsTheBatch() throws Exception {
        CandidateEvaluator<String> ev = c -> switch (c.key()) {
            case "bad" -> throw new IllegalStateException("NaN loss at epoch 1");
            case "fatal" -> throw new OutOfMemoryError("simulated");
            default -> Evaluation.ok(0.5, 1, 1, 13, 0);
        };
        Map<String, Evaluation> got = new ConcurrentHashMap<>();
        try (LocalEvaluationPool<String> pool = new LocalEvaluationPool<>(ev, 2)) {
            pool.evaluateAll(List.of(c("good"), c("bad")), o -> got.put(o.candidate().key(), o.evaluation()));
            assertEquals(Evaluation.Status.FAILED, got.get("bad").status());
            assertEquals("IllegalStateException: NaN loss at epoch 1", got.get("bad").failureReason());
            assertEquals(Evaluation.Status.OK, got.get("good").status());
            assertThrows(OutOfMemoryError.class, () -> pool.evaluateAll(List.of(c("fatal")), o -> { }));
        }
    }

    @Test
    void aFailureWhileRecordingKeepsItsTypeSoTheCliCanNameTheEnvironment() throws Exception {
        CandidateEvaluator<String> ev = c -> Evaluation.ok(0.5, 1, 1, 13, 0);
        try (LocalEvaluationPool<String> pool = new LocalEvaluationPool<>(ev, 2)) {
            TrialStore.TrialStoreException full = new TrialStore.TrialStoreException("cannot store trial 3 in t.db:"
                    + " [SQLITE_FULL] database or disk is full", null);
            TrialStore.TrialStoreException got = assertThrows(TrialStore.TrialStoreException.class,
                    () -> pool.evaluateAll(List.of(c("a")), o -> {
                        throw full;
                    }));
            assertEquals(full, got);
        }
    }

    @Test
    void defaultThreadsDivideTheCoresByTheThreadsOfOneEvaluation() {
        assertEquals(1, LocalEvaluationPool.defaultThreads(2, 2));
        assertEquals(2, LocalEvaluationPool.defaultThreads(2, 1));
        assertEquals(1, LocalEvaluationPool.defaultThreads(1, 4));
        assertEquals(4, LocalEvaluationPool.defaultThreads(8, 2));
        assertThrows(IllegalArgumentException.class, () -> new LocalEvaluationPool<String>(c -> null, 0));
    }
}
