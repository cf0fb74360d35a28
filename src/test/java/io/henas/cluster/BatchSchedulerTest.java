package io.henas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;

import io.henas.search.Candidate;
import io.henas.search.Evaluation;
import io.henas.search.EvaluationBackend.Outcome;

/** The cluster's scheduling without Hazelcast: fake workers that answer at once or misbehave on cue. */
class BatchSchedulerTest {
    private record Fake(String name, int slots) {
    }

    /** Workers whose tasks complete when the test says (by default at once, with accuracy 0.5). */
    private static final class FakeWorkers implements BatchScheduler.Workers<String, Fake> {
        final Map<String, Fake> eligible = new LinkedHashMap<>();
        final Map<String, Integer> running = new HashMap<>();
        final Map<String, Integer> maxRunning = new HashMap<>();
        final List<String> refused = new ArrayList<>();
        final List<String> shipped = new ArrayList<>();
        BatchScheduler<String, Fake> scheduler;
        /** Called on each submission; the default completes the attempt at once. */
        BiConsumer<Long, Submitted> onSubmit = (id, s) -> s.complete(id);

        record Submitted(FakeWorkers owner, Candidate<String> c, Fake w, int rung) {
            void complete(long id) {
                owner.finish(w);
                owner.scheduler.post(new BatchScheduler.Done(id, TaskResult.of(EvaluationTask.resultKey(c.key(), rung),
                        Evaluation.ok(0.5, 1.0, 2, 13, 0.1), Instant.EPOCH, Instant.EPOCH, w.name())));
            }
        }

        FakeWorkers(Fake... workers) {
            for (Fake f : workers) {
                eligible.put(f.name(), f);
            }
        }

        void finish(Fake w) {
            running.merge(w.name(), -1, Integer::sum);
        }

        @Override
        public Collection<Fake> eligible() {
            return List.copyOf(eligible.values());
        }

        @Override
        public Object id(Fake w) {
            return w.name();
        }

        @Override
        public int slots(Fake w) {
            return w.slots();
        }

        @Override
        public String address(Fake w) {
            return w.name();
        }

        @Override
        public Future<?> submit(long attempt, Candidate<String> c, int rung, Fake w) {
            if (!eligible.containsKey(w.name())) {
                return null;
            }
            int now = running.merge(w.name(), 1, Integer::sum);
            maxRunning.merge(w.name(), now, Math::max);
            shipped.add(c.key() + "@" + w.name());
            onSubmit.accept(attempt, new Submitted(this, c, w, rung));
            return new CompletableFuture<>();
        }

        @Override
        public void refuse(Fake w, String why) {
            eligible.remove(w.name());
            refused.add(w.name());
        }

        @Override
        public boolean isLoss(Throwable t) {
            return t instanceof IllegalMonitorStateException; // stands for MemberLeftException here
        }

        @Override
        public String noWorkers(int waiting) {
            return "no worker for " + waiting;
        }

        @Override
        public String waitingDetail() {
            return "";
        }
    }

    private static List<Candidate<String>> candidates(int n) {
        List<Candidate<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Candidate<>(List.of(i), "k" + i, "c" + i, "d" + i, "v" + i));
        }
        return out;
    }

    private static BatchScheduler<String, Fake> scheduler(FakeWorkers w, List<String> log) {
        BatchScheduler<String, Fake> s = new BatchScheduler<>(w, Duration.ofSeconds(2), Duration.ZERO, log::add);
        w.scheduler = s;
        return s;
    }

    @Test
    void everyCandidateIsReportedOnceAndNoWorkerRunsMoreThanItsSlots() throws InterruptedException {
        FakeWorkers w = new FakeWorkers(new Fake("a", 1), new Fake("b", 2));
        List<Outcome<String>> got = new ArrayList<>();
        scheduler(w, new ArrayList<>()).run(candidates(20), 0, got::add);
        assertEquals(20, got.size());
        assertEquals(20, got.stream().map(o -> o.candidate().key()).distinct().count());
        assertTrue(w.maxRunning.get("a") <= 1 && w.maxRunning.get("b") <= 2, w.maxRunning.toString());
        assertTrue(got.stream().allMatch(o -> o.evaluation().accuracy() == 0.5));
    }

    @Test
    void aLostWorkersTasksRunAgainElsewhere() throws InterruptedException {
        FakeWorkers w = new FakeWorkers(new Fake("a", 4), new Fake("b", 1));
        List<String> log = new ArrayList<>();
        BatchScheduler<String, Fake> s = scheduler(w, log);
        w.onSubmit = (id, sub) -> {
            if (sub.w().name().equals("a")) {
                // a's tasks never answer: a leaves the cluster
                w.eligible.remove("a");
                s.post(new BatchScheduler.WorkerGone("a"));
            } else {
                sub.complete(id);
            }
        };
        List<Outcome<String>> got = new ArrayList<>();
        s.run(candidates(3), 0, got::add);
        assertEquals(3, got.size());
        assertTrue(s.reruns() >= 1, log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("re-running") && l.contains("a left")), log.toString());
    }

    @Test
    void aRefusingWorkerIsDroppedAndALossIsRetried() throws InterruptedException {
        FakeWorkers w = new FakeWorkers(new Fake("a", 1), new Fake("b", 1));
        List<String> log = new ArrayList<>();
        BatchScheduler<String, Fake> s = scheduler(w, log);
        int[] lossesLeft = {2};
        w.onSubmit = (id, sub) -> {
            if (sub.w().name().equals("a")) {
                w.finish(sub.w());
                s.post(new BatchScheduler.Failed(id, new WorkerRefusedException("a refused: another secret")));
            } else if (lossesLeft[0]-- > 0) {
                w.finish(sub.w());
                s.post(new BatchScheduler.Failed(id, new IllegalMonitorStateException("member left")));
            } else {
                sub.complete(id);
            }
        };
        List<Outcome<String>> got = new ArrayList<>();
        s.run(candidates(4), 0, got::add);
        assertEquals(4, got.size());
        assertEquals(List.of("a"), w.refused);
        assertTrue(w.shipped.stream().filter(x -> x.endsWith("@b")).count() >= 6, w.shipped.toString());
    }

    @Test
    void anEvaluatorFailureStopsTheBatchAndARepeatedLossGivesUp() {
        FakeWorkers w = new FakeWorkers(new Fake("a", 1));
        BatchScheduler<String, Fake> s = scheduler(w, new ArrayList<>());
        w.onSubmit = (id, sub) -> {
            w.finish(sub.w());
            s.post(new BatchScheduler.Failed(id, new IllegalArgumentException("no such factory")));
        };
        var e = assertThrows(ClusterBackend.ClusterEvaluationException.class, () -> s.run(candidates(1), 0, o -> { }));
        assertTrue(e.getMessage().contains("no such factory"), e.getMessage());

        FakeWorkers w2 = new FakeWorkers(new Fake("a", 1));
        BatchScheduler<String, Fake> s2 = scheduler(w2, new ArrayList<>());
        w2.onSubmit = (id, sub) -> {
            w2.finish(sub.w());
            s2.post(new BatchScheduler.Failed(id, new IllegalMonitorStateException("member left")));
        };
        var lost = assertThrows(ClusterBackend.ClusterEvaluationException.class,
                () -> s2.run(candidates(1), 0, o -> { }));
        assertTrue(lost.getMessage().contains("lost " + (BatchScheduler.MAX_LOSSES + 1) + " times"), lost.getMessage());
    }

    @Test
    void aLateDuplicateIsDroppedAndAKeyIsEvaluatedOncePerRung() throws InterruptedException {
        FakeWorkers w = new FakeWorkers(new Fake("a", 1));
        BatchScheduler<String, Fake> s = scheduler(w, new ArrayList<>());
        w.onSubmit = (id, sub) -> {
            sub.complete(id);
            sub.complete(id + 1000); // a second copy, e.g. from a speculative start
        };
        List<Outcome<String>> got = new ArrayList<>();
        s.run(candidates(2), 0, got::add);
        assertEquals(2, got.size());
        assertThrows(IllegalArgumentException.class, () -> s.run(candidates(1), 0, o -> { }));
        List<Outcome<String>> rung1 = new ArrayList<>();
        s.run(candidates(1), 1, rung1::add);
        assertEquals(1, rung1.size(), "the same key on another rung is a new evaluation");
    }

    @Test
    void noWorkerForTheWaitFailsWithTheWorkersMessage() {
        FakeWorkers w = new FakeWorkers();
        BatchScheduler<String, Fake> s = new BatchScheduler<>(w, Duration.ofMillis(300), Duration.ZERO, x -> { });
        w.scheduler = s;
        var e = assertThrows(ClusterUnavailableException.class, () -> s.run(candidates(2), 0, o -> { }));
        assertEquals("no worker for 2", e.getMessage());
    }
}
