package io.henas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;

import io.henas.search.Candidate;
import io.henas.search.Evaluation;
import io.henas.search.EvaluationBackend.Outcome;

/**
 * A member that joins a worker's cluster (same name, loopback) without the shared secret: it can neither run a task
 * on the worker nor make the worker leave by announcing a search of another version; a member with the secret can,
 * once per sealed task (replay refused). What the secret cannot stop, a rogue's Hazelcast-level
 * {@code getCluster().shutdown()}, costs only the evaluations that were running: the worker and the search rejoin.
 */
class RogueMemberTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("correct horse battery staple 42", "test");
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private HazelcastInstance member(ClusterConfig c, ClusterSecret secret, String role, String version) {
        Map<String, String> attrs = Map.of(NodeIdentity.ATTR_ROLE, role, NodeIdentity.ATTR_VERSION, version,
                NodeIdentity.ATTR_DATASET, SyntheticEvaluatorFactory.DATASET_SHA256);
        ClusterConfig mine = c.toBuilder().port(ClusterTesting.freePortQuietly()).secret(secret).build();
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastSetup.config(mine,
                HazelcastSetup.sealed(mine, new ClusterAuth(secret), attrs), true, Map.of(), 1));
        open.add(() -> hz.getLifecycleService().terminate());
        return hz;
    }

    @Test
    void withoutTheSecretAMemberCanNeitherRunATaskNorStopAWorker() throws Exception {
        int port = ClusterTesting.freePorts(1)[0];
        ClusterConfig c = ClusterConfig.builder(List.of(ClusterTesting.member(port))).port(port)
                .clusterName("rogue-test").memberTimeout(Duration.ofSeconds(5)).secret(SECRET).build();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        ClusterWorker w = ClusterWorker.start(new WorkerConfig(c, ClusterTesting.syntheticIdentity(),
                new WorkerEnvironment(null, 1), 1), log::add);
        open.add(w);
        Candidate<String> cand = new Candidate<>(List.of(1, 2), "k1", "rogue", "d", "v");
        JobSpec job = ClusterTesting.syntheticJob(1, 0);

        // a rogue "search" of another version without the secret: ignored, the worker stays
        HazelcastInstance rogue = member(c, null, NodeIdentity.ROLE_SEARCH, "9.9-other");
        Member worker = rogue.getCluster().getMembers().stream().filter(m -> !m.localMember()).findFirst()
                .orElseThrow();
        IExecutorService ex = rogue.getExecutorService(HazelcastSetup.EXECUTOR);
        EvaluationTask unsealed = new EvaluationTask("job", job, ClusterTesting.syntheticIdentity(), cand,
                new ClusterAuth(null));
        ExecutionException e1 = assertThrows(ExecutionException.class,
                () -> ex.submitToMember(unsealed, worker).get(30, TimeUnit.SECONDS));
        assertInstanceOf(WorkerRefusedException.class, e1.getCause());
        assertTrue(e1.getCause().getMessage().contains("no authentication"), e1.getCause().getMessage());

        // a forger with another secret
        HazelcastInstance forger = member(c, ClusterSecret.of("a wrong secret of enough length", "t"),
                NodeIdentity.ROLE_SEARCH, "9.9-other");
        EvaluationTask forged = new EvaluationTask("job", job, ClusterTesting.syntheticIdentity(), cand,
                new ClusterAuth(ClusterSecret.of("a wrong secret of enough length", "t")));
        ExecutionException e2 = assertThrows(ExecutionException.class, () -> forger.getExecutorService(
                HazelcastSetup.EXECUTOR).submitToMember(forged, worker).get(30, TimeUnit.SECONDS));
        assertTrue(e2.getCause().getMessage().contains("does not verify"), e2.getCause().getMessage());

        Thread.sleep(2000);
        assertTrue(w.running(), "the worker left: " + log);
        assertTrue(log.stream().anyMatch(l -> l.contains("ignoring the member")), log.toString());
        assertEquals(log.stream().distinct().count(), log.size(), "a refusal was printed twice: " + log);

        // with the secret: runs once; the same sealed task again is a replay
        HazelcastInstance friend = member(c, SECRET, NodeIdentity.ROLE_SEARCH, NodeIdentity.henasVersion());
        ClusterAuth auth = new ClusterAuth(SECRET);
        EvaluationTask good = new EvaluationTask("job", job, ClusterTesting.syntheticIdentity(), cand, auth);
        IExecutorService fx = friend.getExecutorService(HazelcastSetup.EXECUTOR);
        TaskResult r = fx.submitToMember(good, worker).get(60, TimeUnit.SECONDS);
        assertEquals("OK", r.status());
        assertEquals(null, r.check(auth, good.nonce()), "the result's seal must verify");
        assertNotNull(r.check(new ClusterAuth(ClusterSecret.of("a wrong secret of enough length", "t")),
                good.nonce()));
        ExecutionException e3 = assertThrows(ExecutionException.class,
                () -> fx.submitToMember(good, worker).get(30, TimeUnit.SECONDS));
        assertTrue(e3.getCause().getMessage().contains("already used"), e3.getCause().getMessage());
        assertTrue(w.running());
    }

    @Test
    void afterARogueShutsTheClusterDownTheWorkerAndTheSearchRejoinAndTheBatchFinishes() throws Exception {
        int[] p = ClusterTesting.freePorts(2);
        ClusterConfig c = ClusterConfig.builder(List.of(ClusterTesting.member(p[0]), ClusterTesting.member(p[1])))
                .clusterName("rogue-shutdown").memberTimeout(Duration.ofSeconds(5)).workerWait(Duration.ofSeconds(90))
                .secret(SECRET).build();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        ClusterWorker w = ClusterWorker.start(new WorkerConfig(c.toBuilder().port(p[0]).build(),
                ClusterTesting.syntheticIdentity(), new WorkerEnvironment(null, 1), 1), l -> log.add("worker: " + l));
        open.add(w);
        ClusterBackend<String> search = ClusterBackend.start(c.toBuilder().port(p[1]).build(),
                ClusterTesting.syntheticIdentity(), ClusterTesting.syntheticJob(1, 800), l -> log.add("search: " + l));
        open.add(search);
        assertTrue(search.awaitWorkers(1, Duration.ofSeconds(60)), () -> "the worker did not join: " + log);
        HazelcastInstance rogue = member(c, null, "rogue", "0");
        awaitTrue(() -> rogue.getCluster().getMembers().size() == 3, "the rogue did not join: " + log);

        SyntheticSpace space = new SyntheticSpace();
        List<Candidate<String>> batch = List.of(space.decode(new int[]{0, 0, 0, 1}),
                space.decode(new int[]{0, 0, 1, 0}), space.decode(new int[]{0, 1, 0, 0}));
        List<Outcome<String>> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        search.evaluateAll(batch, o -> {
            got.add(o);
            if (got.size() == 1) {
                // the secret does not stop this: Hazelcast lets any member shut every member down
                new Thread(() -> rogue.getCluster().shutdown(), "rogue-shutdown").start();
            }
        });

        assertEquals(List.of("k0001", "k0010", "k0100"), got.stream().map(o -> o.candidate().key()).sorted().toList(),
                () -> "every candidate once: " + log);
        assertTrue(got.stream().allMatch(o -> o.evaluation().status() == Evaluation.Status.OK), got::toString);
        assertFalse(rogue.getLifecycleService().isRunning(), "the rogue's shutdown did not happen");
        assertTrue(w.rejoins() >= 1 && search.rejoins() >= 1, () -> "no rejoin: " + log);
        assertTrue(w.running(), () -> "the worker is not back in the cluster: " + log);
        assertEquals(1, log.stream().filter(l -> l.startsWith("worker: this worker's cluster member was shut down"
                + " without the worker asking")).count(), log::toString);
        assertEquals(1, log.stream().filter(l -> l.startsWith("search: the search's cluster member was shut down"
                + " without the search asking")).count(), log::toString);

        // a member with the secret ships a sealed task to the rejoined worker directly, too
        HazelcastInstance friend = member(c, SECRET, NodeIdentity.ROLE_SEARCH, NodeIdentity.henasVersion());
        awaitTrue(() -> friend.getCluster().getMembers().stream().anyMatch(m -> NodeIdentity.ROLE_WORKER.equals(
                m.getAttribute(NodeIdentity.ATTR_ROLE))), "the friend sees no worker: " + log);
        Member worker = friend.getCluster().getMembers().stream().filter(m -> NodeIdentity.ROLE_WORKER.equals(
                m.getAttribute(NodeIdentity.ATTR_ROLE))).findFirst().orElseThrow();
        ClusterAuth auth = new ClusterAuth(SECRET);
        EvaluationTask task = new EvaluationTask("job-after", ClusterTesting.syntheticJob(1, 0),
                ClusterTesting.syntheticIdentity(), space.decode(new int[]{1, 0, 0, 0}), auth);
        TaskResult r = friend.getExecutorService(HazelcastSetup.EXECUTOR).submitToMember(task, worker)
                .get(60, TimeUnit.SECONDS);
        assertEquals("OK", r.status());
        assertEquals(null, r.check(auth, task.nonce()));

        // stopping on purpose is not a shutdown to rejoin from
        w.close();
        assertFalse(w.running());
        Thread.sleep(RejoiningMember.RETRY_MS * 3);
        assertFalse(w.running(), "the worker rejoined after close(): " + log);
        assertEquals(1, w.rejoins());
    }

    /** Waits (at most 60 s, a guard against hanging, not a speed check) until {@code condition} holds. */
    private static void awaitTrue(java.util.function.BooleanSupplier condition, String message)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aFactoryOfTheWrongTypeIsRefusedBeforeItsStaticInitialiserRuns() {
        assertThrows(IllegalArgumentException.class, () -> WorkerRuntime.instantiate(Booby.class.getName()));
        assertEquals(0, BOOBY_RUNS.get());
    }

    static final java.util.concurrent.atomic.AtomicInteger BOOBY_RUNS = new java.util.concurrent.atomic.AtomicInteger();

    /** Not a factory; its initialiser must never run. */
    public static final class Booby {
        static {
            BOOBY_RUNS.incrementAndGet();
        }
    }
}
