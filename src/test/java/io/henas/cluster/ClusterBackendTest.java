package io.henas.cluster;

import static io.henas.cluster.ClusterTesting.LOOPBACK;
import static io.henas.cluster.ClusterTesting.fingerprint;
import static io.henas.cluster.ClusterTesting.freePorts;
import static io.henas.cluster.ClusterTesting.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.henas.search.Candidate;
import io.henas.search.Evaluation;
import io.henas.search.EvaluationBackend.Outcome;
import io.henas.search.ProgressListener;
import io.henas.search.SearchConfig;
import io.henas.search.SearchResult;
import io.henas.search.SearchRunner;
import io.henas.search.Trial;

/** The cluster backend with worker members in this JVM (fast); separate JVMs are in {@link ClusterProcessTest}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterBackendTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private ClusterConfig cluster(int port, int... all) {
        List<String> members = new ArrayList<>();
        for (int p : all) {
            members.add(member(p));
        }
        return ClusterConfig.builder(members).clusterName("henas-test-" + all[0]).bindAddress(LOOPBACK).port(port)
                .memberTimeout(Duration.ofSeconds(3)).workerWait(Duration.ofSeconds(20)).build();
    }

    private ClusterWorker worker(ClusterConfig c, NodeIdentity id, int slots) {
        ClusterWorker w = ClusterWorker.start(new WorkerConfig(c, id, new WorkerEnvironment(null, 2), slots),
                line -> log.add("worker: " + line));
        open.add(w);
        return w;
    }

    private ClusterBackend<String> backend(ClusterConfig c, JobSpec job) {
        ClusterBackend<String> b = ClusterBackend.start(c, ClusterTesting.syntheticIdentity(), job,
                line -> log.add("search: " + line));
        open.add(b);
        return b;
    }

    private SearchConfig search(String out) {
        return SearchConfig.builder(dir.resolve(out)).population(8).generations(4).seed(11).threads(2).build();
    }

    @Test
    void aClusterSearchEvaluatesEveryCandidateOnceWithTheSameResultsAsALocalOne() throws Exception {
        int[] p = freePorts(3);
        JobSpec job = ClusterTesting.syntheticJob(20_000, 0);
        SyntheticSpace space = new SyntheticSpace();
        SearchResult local = SearchRunner.run(space, SyntheticEvaluatorFactory.evaluator(20_000, 0),
                search("local"), ProgressListener.NONE);

        worker(cluster(p[0], p), ClusterTesting.syntheticIdentity(), 0);
        worker(cluster(p[1], p), ClusterTesting.syntheticIdentity(), 1);
        ClusterBackend<String> backend = backend(cluster(p[2], p), job);
        assertTrue(backend.awaitWorkers(2, Duration.ofSeconds(30)), () -> "workers did not join: " + log);
        assertEquals(3, backend.parallelism(), "2 cores / 1 thread + 1 slot");
        assertEquals(List.of(member(p[0]), member(p[1])).stream().sorted().toList(),
                backend.provenance().get("cluster_workers"));
        assertEquals(SyntheticEvaluatorFactory.class.getName(), backend.provenance().get("evaluator_factory"));
        SearchResult remote = SearchRunner.run(space, backend, search("cluster"), ProgressListener.NONE);

        assertEquals(fingerprint(local.trials()), fingerprint(remote.trials()));
        Map<String, Integer> counts = ClusterTesting.keyCounts(dir.resolve("cluster").resolve(SearchRunner.TRIALS_DB));
        assertEquals(remote.trials().size(), counts.size());
        assertTrue(counts.values().stream().allMatch(n -> n == 1), counts::toString);
        assertEquals(0, backend.reruns());
    }

    @Test
    void workersThatDieOrStopMidRunLoseNothing() throws Exception {
        int[] p = freePorts(4);
        ClusterWorker killed = worker(cluster(p[0], p), ClusterTesting.syntheticIdentity(), 2);
        ClusterWorker stopped = worker(cluster(p[1], p), ClusterTesting.syntheticIdentity(), 2);
        worker(cluster(p[2], p), ClusterTesting.syntheticIdentity(), 2);
        ClusterBackend<String> backend = backend(cluster(p[3], p), ClusterTesting.syntheticJob(1_000, 150));
        assertTrue(backend.awaitWorkers(3, Duration.ofSeconds(30)), () -> "workers did not join: " + log);
        AtomicInteger trials = new AtomicInteger();
        ProgressListener faults = new ProgressListener() {
            @Override
            public void onTrial(Trial t) {
                int n = trials.incrementAndGet();
                if (n == 4) {
                    new Thread(killed::kill, "kill-worker").start(); // abrupt, like SIGKILL
                } else if (n == 14) {
                    new Thread(stopped::close, "stop-worker").start(); // graceful, like Ctrl-C
                }
            }
        };
        SearchResult r = SearchRunner.run(new SyntheticSpace(), backend, search("run"), faults);

        assertFalse(killed.running());
        assertFalse(stopped.running());
        assertTrue(backend.reruns() >= 1, () -> "no evaluation was re-run: " + log);
        SearchResult local = SearchRunner.run(new SyntheticSpace(), SyntheticEvaluatorFactory.evaluator(1_000, 0),
                search("local"), ProgressListener.NONE);
        assertEquals(fingerprint(local.trials()), fingerprint(r.trials()));
        Map<String, Integer> counts = ClusterTesting.keyCounts(dir.resolve("run").resolve(SearchRunner.TRIALS_DB));
        assertTrue(counts.values().stream().allMatch(n -> n == 1), counts::toString);
    }

    /** Thrown from the progress listener to stop the search like a crash would, after a trial was committed. */
    static final class Stop extends Error {
        Stop() {
            super("search stopped");
        }
    }

    @Test
    void aSearchStoppedMidRunResumesOnTheClusterWithNothingLostOrRepeated() throws Exception {
        int[] p = freePorts(3);
        worker(cluster(p[0], p), ClusterTesting.syntheticIdentity(), 0);
        JobSpec job = ClusterTesting.syntheticJob(5_000, 0);
        SearchConfig config = search("run");
        ClusterBackend<String> first = backend(cluster(p[1], p), job);
        assertTrue(first.awaitWorkers(1, Duration.ofSeconds(30)));
        AtomicInteger n = new AtomicInteger();
        ProgressListener crash = new ProgressListener() {
            @Override
            public void onTrial(Trial t) {
                if (n.incrementAndGet() == 10) {
                    throw new Stop();
                }
            }
        };
        assertThrows(Stop.class, () -> SearchRunner.run(new SyntheticSpace(), first, config, crash));
        first.close();
        Path db = dir.resolve("run").resolve(SearchRunner.TRIALS_DB);
        assertEquals(10, ClusterTesting.keyCounts(db).size());

        ClusterBackend<String> second = backend(cluster(p[2], p), job);
        assertTrue(second.awaitWorkers(1, Duration.ofSeconds(30)));
        SearchResult resumed = SearchRunner.run(new SyntheticSpace(), second, config.toBuilder().resume(true).build(),
                ProgressListener.NONE);
        SearchResult local = SearchRunner.run(new SyntheticSpace(),
                job.<String>localEvaluator(WorkerEnvironment.defaults()), search("local"), ProgressListener.NONE);
        assertEquals(fingerprint(local.trials()), fingerprint(resumed.trials()));
        assertTrue(ClusterTesting.keyCounts(db).values().stream().allMatch(c -> c == 1));
        assertEquals(local.trials().size() - 10, resumed.evaluatedNow(), "only the missing candidates ran again");
    }

    @Test
    void aWorkerWithAnotherDatasetIsRefusedAtJoinAndGetsNoWork() throws Exception {
        int[] p = freePorts(3);
        ClusterBackend<String> backend = backend(cluster(p[2], p), ClusterTesting.syntheticJob(1_000, 0));
        NodeIdentity other = NodeIdentity.current(DatasetFingerprint.sha256("another dataset"));
        ClusterWorker bad = worker(cluster(p[0], p), other, 1);
        WorkerRefusedException e = assertThrows(WorkerRefusedException.class, bad::awaitStop);
        assertTrue(e.getMessage().contains("dataset sha256 mismatch: search="
                + SyntheticEvaluatorFactory.DATASET_SHA256 + ", worker=" + other.datasetSha256()), e.getMessage());
        assertEquals(0, backend.workers());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("search: refusing worker") && l.contains("dataset sha256")),
                log::toString);

        NodeIdentity oldVersion = new NodeIdentity("0.0.1-old", SyntheticEvaluatorFactory.DATASET_SHA256);
        ClusterWorker old = worker(cluster(p[1], p), oldVersion, 1);
        WorkerRefusedException v = assertThrows(WorkerRefusedException.class, old::awaitStop);
        assertTrue(v.getMessage().contains("henas version mismatch: search=" + NodeIdentity.henasVersion()
                + ", worker=0.0.1-old"), v.getMessage());
        assertEquals(0, backend.workers());

        // a worker with the right identity that joins through a listed member but is not listed itself
        int[] q = freePorts(1);
        worker(cluster(q[0], p[2], q[0]).toBuilder().clusterName("henas-test-" + p[0]).build(),
                ClusterTesting.syntheticIdentity(), 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (log.stream().noneMatch(l -> l.contains("not on the search's member list"))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(log.stream().anyMatch(l -> l.equals("search: refusing worker 127.0.0.1:" + q[0]
                + ": it is not on the search's member list " + List.of(member(p[0]), member(p[1]), member(p[2]))
                + " (add it to --cluster to use it)")), log::toString);
        assertEquals(0, backend.workers());
    }

    @Test
    void evaluatorExceptionsAreFailedTrialsAsLocallyButAMissingFactoryStopsTheBatch() throws Exception {
        int[] p = freePorts(2);
        worker(cluster(p[0], p), ClusterTesting.syntheticIdentity(), 0);
        JobSpec failing = JobSpec.of(SyntheticEvaluatorFactory.class, Map.of("iterations", "10",
                "fail_contains", "[1, 1"), 1);
        ClusterBackend<String> backend = backend(cluster(p[1], p), failing);
        assertTrue(backend.awaitWorkers(1, Duration.ofSeconds(30)));
        SyntheticSpace space = new SyntheticSpace();
        List<Candidate<String>> batch = List.of(space.decode(new int[]{1, 1, 0, 0}), space.decode(new int[]{2, 0, 0, 0}));
        List<Outcome<String>> got = new CopyOnWriteArrayList<>();
        backend.evaluateAll(batch, got::add);
        assertEquals(2, got.size());
        Outcome<String> failed = got.stream().filter(o -> o.candidate().key().equals("k1100")).findFirst().orElseThrow();
        assertEquals(Evaluation.Status.FAILED, failed.evaluation().status());
        assertEquals("IllegalStateException: synthetic failure for k1100", failed.evaluation().failureReason());
        assertThrows(IllegalArgumentException.class, () -> backend.evaluateAll(List.of(batch.get(0)), o -> { }),
                "a key is reported once per backend");

        ClusterBackend<String> missing = backend(cluster(0, p),
                new JobSpec("io.henas.cluster.NoSuchFactory", Map.of(), 1));
        assertTrue(missing.awaitWorkers(1, Duration.ofSeconds(30)));
        var e = assertThrows(ClusterBackend.ClusterEvaluationException.class,
                () -> missing.evaluateAll(List.of(space.decode(new int[]{3, 0, 0, 0})), o -> { }));
        assertTrue(e.getMessage().contains("io.henas.cluster.NoSuchFactory is not on this worker's class path"),
                e.getMessage());
    }

    @Test
    void anEvaluationPastTheTaskTimeoutIsAlsoStartedElsewhereAndTheFirstResultWins() throws Exception {
        int[] p = freePorts(3);
        NodeIdentity id = ClusterTesting.syntheticIdentity();
        ClusterConfig hangs = cluster(p[0], p);
        open.add(ClusterWorker.start(new WorkerConfig(hangs, id, new WorkerEnvironment(null, 1), 1), log::add));
        worker(cluster(p[1], p), id, 2);
        ClusterConfig search = cluster(p[2], p).toBuilder().taskTimeout(Duration.ofSeconds(1)).build();
        ClusterBackend<String> backend = backend(search, JobSpec.of(HangOnOneCoreFactory.class, Map.of(), 1));
        assertTrue(backend.awaitWorkers(2, Duration.ofSeconds(30)));
        SyntheticSpace space = new SyntheticSpace();
        List<Candidate<String>> batch = List.of(space.decode(new int[]{0, 0, 0, 0}), space.decode(new int[]{1, 0, 0, 0}),
                space.decode(new int[]{2, 0, 0, 0}), space.decode(new int[]{3, 0, 0, 0}));
        List<String> got = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        backend.evaluateAll(batch, o -> got.add(o.candidate().key()));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "did not wait for the hanging worker");
        assertEquals(List.of("k0000", "k1000", "k2000", "k3000"), got.stream().sorted().toList());
        assertTrue(backend.reruns() >= 1);
        assertTrue(log.stream().anyMatch(l -> l.contains("exceeded 1 s; also starting it elsewhere")), log::toString);
    }

    @Test
    void withoutAnEligibleWorkerTheBatchGivesUpAfterTheWait() throws Exception {
        int[] p = freePorts(2);
        ClusterConfig c = cluster(p[1], p).toBuilder().workerWait(Duration.ofSeconds(2)).build();
        ClusterBackend<String> backend = backend(c, ClusterTesting.syntheticJob(10, 0));
        long t0 = System.nanoTime();
        var e = assertThrows(ClusterUnavailableException.class, () -> backend.evaluateAll(
                List.of(new SyntheticSpace().decode(new int[]{0, 0, 0, 1})), o -> { }));
        assertTrue(e.getMessage().startsWith("no eligible worker in cluster 'henas-test-" + p[0] + "' for 2 s"),
                e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20));
    }
}
