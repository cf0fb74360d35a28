package io.henas.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;

import io.henas.search.Candidate;
import io.henas.search.EvaluationBackend;

/**
 * Evaluates the search's candidates on cluster workers ({@link ClusterWorker}). Work goes only to workers that are
 * on the search's own member list and announce the search's {@link NodeIdentity}; others are refused (logged, never
 * used). The search process joins the cluster
 * as a Hazelcast <em>lite member</em>: it sees membership and member attributes directly and submits to chosen
 * members, but holds no partitions and runs no evaluations itself (its cores stay with the search loop and SQLite).
 *
 * <p>Scheduling: each eligible worker (same {@link NodeIdentity}) gets at most its slot count of evaluations at once
 * ({@code henas.slots}, else {@code max(1, cores / threadsPerEvaluation)}); candidates wait in a queue and go to the
 * least-loaded worker as slots free up, so faster machines take more.
 *
 * <p>Faults: an evaluation whose worker leaves (killed, network lost: Hazelcast removes it after
 * {@link ClusterConfig#memberTimeout()}) or fails with {@code MemberLeftException}/{@code TargetNotMemberException}
 * is queued again and re-run on another worker; with a {@link ClusterConfig#taskTimeout()} a long-running evaluation
 * is also started elsewhere. The first result per candidate key is handed to {@code onResult}; later copies are
 * dropped, so {@code onResult} runs exactly once per candidate. Any other failure of a task (the factory cannot be
 * loaded, decoding fails, an {@link Error} in the evaluator) stops the batch with an exception; the search can then
 * be resumed. The backend keeps no state that resume depends on: {@code trials.db} stays the only record.
 *
 * @param <T> type of the candidate value (only its description is shipped)
 */
public final class ClusterBackend<T> implements EvaluationBackend<T> {
    private final HazelcastInstance hz;
    private final IExecutorService executor;
    private final ClusterConfig config;
    private final NodeIdentity identity;
    private final JobSpec job;
    private final String jobId = UUID.randomUUID().toString();
    /** Times one candidate may lose its worker before the batch gives up. */
    static final int MAX_LOSSES = 10;
    private final Consumer<String> log;

    private final Map<UUID, Member> eligible = new ConcurrentHashMap<>();
    private final Map<UUID, String> refused = new ConcurrentHashMap<>();
    private final ClusterAuth auth;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final AtomicLong attempts = new AtomicLong();
    private volatile int reruns;

    private ClusterBackend(ClusterConfig config, NodeIdentity identity, JobSpec job, Consumer<String> log) {
        this.config = config;
        this.identity = identity;
        this.job = job;
        this.log = log;
        this.auth = new ClusterAuth(config.secret());
        Map<String, String> attrs = HazelcastSetup.sealed(config, auth, Map.of(NodeIdentity.ATTR_ROLE,
                NodeIdentity.ROLE_SEARCH, NodeIdentity.ATTR_VERSION, identity.version(), NodeIdentity.ATTR_DATASET,
                identity.datasetSha256()));
        this.hz = Hazelcast.newHazelcastInstance(HazelcastSetup.config(config, attrs, true, Map.of(), 1));
        this.executor = hz.getExecutorService(HazelcastSetup.EXECUTOR);
        hz.getCluster().addMembershipListener(new InitialMembershipListener() {
            @Override
            public void init(InitialMembershipEvent event) {
                event.getMembers().forEach(ClusterBackend.this::admit);
            }

            @Override
            public void memberAdded(MembershipEvent event) {
                admit(event.getMember());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                Member m = event.getMember();
                if (eligible.remove(m.getUuid()) != null) {
                    log.accept("worker " + HazelcastSetup.address(m) + " left the cluster");
                    events.add(new MemberGone(m.getUuid()));
                }
            }
        });
    }

    /**
     * Joins the cluster as the search's lite member and returns at once (workers may join later; see
     * {@link #awaitWorkers}).
     *
     * @param config   cluster name, member list, bind address, timeouts
     * @param identity the henas version and dataset hash workers must share
     * @param job      the evaluator factory and its settings
     * @param log      where cluster events go (the command passes standard error)
     */
    public static <T> ClusterBackend<T> start(ClusterConfig config, NodeIdentity identity, JobSpec job,
            Consumer<String> log) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(log, "log");
        return new ClusterBackend<>(config, identity, job, log);
    }

    private void admit(Member m) {
        if (m.localMember() || !NodeIdentity.ROLE_WORKER.equals(m.getAttribute(NodeIdentity.ATTR_ROLE))) {
            return;
        }
        String where = HazelcastSetup.address(m);
        var id = NodeIdentity.of(m.getAttributes());
        String bad = HazelcastSetup.checkAnnouncement(config, auth, m);
        if (bad == null) {
            bad = id.isEmpty() ? "it announced no henas version or dataset hash"
                    : identity.mismatch(id.get()).orElse(null);
        }
        if (bad == null && !listed(m)) {
            bad = "it is not on the search's member list " + config.members()
                    + " (add it to --cluster to use it)";
        }
        if (bad != null) {
            if (refused.put(m.getUuid(), bad) == null) {
                log.accept("refusing worker " + where + ": " + bad);
            }
            return;
        }
        eligible.put(m.getUuid(), m);
        log.accept("worker " + where + " joined (" + slots(m) + " slots)");
        events.add(new MemberJoined(m.getUuid()));
    }

    private boolean listed(Member m) {
        try {
            return config.lists(m.getAddress().getInetAddress(), m.getAddress().getPort());
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Evaluations a worker runs at once. */
    int slots(Member m) {
        int slots = intAttr(m, NodeIdentity.ATTR_SLOTS, 0);
        if (slots > 0) {
            return slots;
        }
        return Math.max(1, intAttr(m, NodeIdentity.ATTR_CORES, 1) / job.threadsPerEvaluation());
    }

    private static int intAttr(Member m, String name, int dflt) {
        try {
            String v = m.getAttribute(name);
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /**
     * Waits until at least {@code n} eligible workers are in the cluster.
     *
     * @return whether they joined within {@code timeout}
     */
    public boolean awaitWorkers(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (eligible.size() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Eligible workers now. */
    public int workers() {
        return eligible.size();
    }

    /** Evaluations re-run (or started twice) because a worker left or timed out, since this backend started. */
    public int reruns() {
        return reruns;
    }

    /** Manifest entries describing the cluster (name, member list, eligible workers now, factory). */
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster_name", config.clusterName());
        m.put("cluster_members", config.members());
        m.put("cluster_workers", eligibleAddresses());
        m.put("cluster_search_member", address());
        m.put("evaluator_factory", job.factoryClass());
        return m;
    }

    /** This search member's {@code host:port}. */
    public String address() {
        return HazelcastSetup.address(hz.getCluster().getLocalMember());
    }

    /** Sum of the eligible workers' slots (at least 1). */
    @Override
    public int parallelism() {
        int sum = 0;
        for (Member m : eligible.values()) {
            sum += slots(m);
        }
        return Math.max(1, sum);
    }

    @Override
    public void evaluateAll(List<Candidate<T>> batch, Consumer<Outcome<T>> onResult) throws InterruptedException {
        new Batch(batch, 0, onResult).run();
    }

    /** Workers train each candidate on the given rung's budget (multi-fidelity search, issue 14). */
    @Override
    public void evaluateAll(List<Candidate<T>> batch, int rung, Consumer<Outcome<T>> onResult)
            throws InterruptedException {
        new Batch(batch, rung, onResult).run();
    }

    @Override
    public void close() {
        hz.getLifecycleService().shutdown();
    }

    // ---- events from Hazelcast threads to the batch loop -------------------------------------------------------

    private sealed interface Event permits Done, Failed, MemberGone, MemberJoined {
    }

    private record Done(long attempt, TaskResult result) implements Event {
    }

    private record Failed(long attempt, Throwable error) implements Event {
    }

    private record MemberGone(UUID member) implements Event {
    }

    private record MemberJoined(UUID member) implements Event {
    }

    private record Attempt<T>(long id, Candidate<T> candidate, Member member, long startNanos, Future<TaskResult> future) {
    }

    /** One {@link #evaluateAll} call: the queue, the running attempts and the loop that reacts to events. */
    private final class Batch {
        private final Consumer<Outcome<T>> onResult;
        private final Map<String, Candidate<T>> open = new LinkedHashMap<>();
        private final Deque<Candidate<T>> queue = new ArrayDeque<>();
        private final Map<Long, Attempt<T>> running = new HashMap<>();
        private final Set<String> speculated = new HashSet<>();
        private final Map<String, Integer> losses = new HashMap<>();
        private long noWorkerSince = -1;
        private long lastWaitLog = -1;

        private final int rung;

        Batch(List<Candidate<T>> batch, int rung, Consumer<Outcome<T>> onResult) {
            if (rung < 0) {
                throw new IllegalArgumentException("rung must be >= 0, but was " + rung);
            }
            this.rung = rung;
            this.onResult = Objects.requireNonNull(onResult, "onResult");
            for (Candidate<T> c : batch) {
                if (reported.contains(tag(c))) {
                    throw new IllegalArgumentException("candidate " + c.key() + " was already evaluated by this backend");
                }
                if (open.putIfAbsent(tag(c), c) != null) {
                    throw new IllegalArgumentException("batch keys must be distinct, but " + c.key() + " repeats");
                }
                queue.add(c);
            }
        }

        /** The key results of this batch travel under: the candidate key, with {@code @rungR} above rung 0. */
        private String tag(Candidate<T> c) {
            return EvaluationTask.resultKey(c.key(), rung);
        }

        void run() throws InterruptedException {
            try {
                while (!open.isEmpty()) {
                    dispatch();
                    checkTimeouts();
                    Event e = events.poll(200, TimeUnit.MILLISECONDS);
                    while (e != null) {
                        handle(e);
                        e = events.poll();
                    }
                }
            } finally {
                for (Attempt<T> a : running.values()) {
                    a.future().cancel(true);
                }
                running.clear();
            }
        }

        private void dispatch() {
            while (!queue.isEmpty()) {
                Candidate<T> c = queue.peek();
                Member target = leastLoaded(tag(c));
                if (target == null) {
                    break;
                }
                queue.poll();
                if (!submit(c, target)) {
                    break;
                }
            }
            if (!queue.isEmpty() && eligible.isEmpty()) {
                long now = System.nanoTime();
                if (noWorkerSince < 0) {
                    noWorkerSince = now;
                }
                if (now - noWorkerSince > config.workerWait().toNanos()) {
                    throw new IllegalStateException("no eligible worker in cluster '" + config.clusterName()
                            + "' for " + config.workerWait().toSeconds() + " s (" + open.size()
                            + " candidates waiting; members " + config.members() + refusedText()
                            + "); start workers with: henas worker --cluster " + address());
                }
                if (lastWaitLog < 0 || now - lastWaitLog > TimeUnit.SECONDS.toNanos(30)) {
                    lastWaitLog = now;
                    log.accept("waiting for an eligible worker (" + open.size() + " candidates queued" + refusedText()
                            + ")");
                }
            } else {
                noWorkerSince = -1;
            }
        }

        private String refusedText() {
            return refused.isEmpty() ? "" : "; refused: " + refused.size() + " (" + refused.values().iterator().next()
                    + ")";
        }

        /** The eligible worker with a free slot and the lowest load, avoiding one already running {@code key}. */
        private Member leastLoaded(String key) {
            Map<UUID, Integer> busy = new HashMap<>();
            Set<UUID> hasKey = new HashSet<>();
            for (Attempt<T> a : running.values()) {
                busy.merge(a.member().getUuid(), 1, Integer::sum);
                if (tag(a.candidate()).equals(key)) {
                    hasKey.add(a.member().getUuid());
                }
            }
            Member best = null;
            double bestLoad = Double.MAX_VALUE;
            for (Member m : eligible.values()) {
                int used = busy.getOrDefault(m.getUuid(), 0);
                int slots = slots(m);
                if (used >= slots || hasKey.contains(m.getUuid())) {
                    continue;
                }
                double load = (double) used / slots;
                if (load < bestLoad) {
                    bestLoad = load;
                    best = m;
                }
            }
            return best;
        }

        /** Ships {@code c} to {@code m}; false (and {@code c} queued again) if {@code m} just left. */
        private boolean submit(Candidate<T> c, Member m) {
            long id = attempts.incrementAndGet();
            EvaluationTask task = new EvaluationTask(jobId, job, identity, c, auth, rung);
            Future<TaskResult> f;
            try {
                f = executor.submitToMember(task, m);
            } catch (RuntimeException e) {
                if (!hz.getLifecycleService().isRunning()) {
                    throw new IllegalStateException("the search's cluster member stopped: " + e.getMessage(), e);
                }
                if (isMemberLoss(e)) {
                    eligible.remove(m.getUuid());
                    queue.addFirst(c);
                    return false;
                }
                throw e;
            }
            running.put(id, new Attempt<>(id, c, m, System.nanoTime(), f));
            if (f instanceof CompletionStage<?> stage) {
                @SuppressWarnings("unchecked")
                CompletionStage<TaskResult> s = (CompletionStage<TaskResult>) stage;
                s.whenComplete((r, err) -> {
                    String forged = err == null ? r.check(auth, task.nonce()) : null;
                    events.add(err != null ? new Failed(id, unwrap(err)) : forged == null ? new Done(id, r)
                            : new Failed(id, new WorkerRefusedException("refusing the result of " + c.label()
                                    + " from " + HazelcastSetup.address(m) + ": " + forged)));
                });
            } else {
                throw new IllegalStateException("Hazelcast returned a " + f.getClass().getName()
                        + " that is not a CompletionStage; this Hazelcast version is not supported");
            }
            return true;
        }

        private void checkTimeouts() {
            if (config.taskTimeout().isZero()) {
                return;
            }
            long now = System.nanoTime();
            for (Attempt<T> a : List.copyOf(running.values())) {
                String key = tag(a.candidate());
                if (now - a.startNanos() > config.taskTimeout().toNanos() && open.containsKey(key)
                        && speculated.add(key)) {
                    reruns++;
                    log.accept("evaluation of " + a.candidate().label() + " on " + HazelcastSetup.address(a.member())
                            + " exceeded " + config.taskTimeout().toSeconds() + " s; also starting it elsewhere");
                    queue.addFirst(a.candidate());
                }
            }
        }

        private void handle(Event e) throws InterruptedException {
            switch (e) {
                case Done d -> {
                    Attempt<T> a = running.remove(d.attempt());
                    String key = d.result().key();
                    Candidate<T> c = open.remove(key);
                    if (c == null || !reported.add(key)) {
                        return; // a late duplicate (or from an earlier batch)
                    }
                    queue.removeIf(q -> tag(q).equals(key));
                    for (Attempt<T> other : List.copyOf(running.values())) {
                        if (tag(other.candidate()).equals(key)) {
                            running.remove(other.id());
                            other.future().cancel(true);
                        }
                    }
                    if (a == null) {
                        log.accept("accepting the result of " + c.label() + " from " + d.result().worker()
                                + " although its worker was given up");
                    }
                    deliver(new Outcome<>(c, d.result().evaluation(), d.result().started(), d.result().finished()));
                }
                case Failed f -> {
                    Attempt<T> a = running.remove(f.attempt());
                    if (a == null || !open.containsKey(tag(a.candidate()))) {
                        return;
                    }
                    Throwable err = f.error();
                    String where = HazelcastSetup.address(a.member());
                    if (err instanceof WorkerRefusedException) {
                        eligible.remove(a.member().getUuid());
                        if (refused.put(a.member().getUuid(), err.getMessage()) == null) {
                            log.accept(err.getMessage());
                        }
                        requeue(a.candidate(), where + " refused it");
                    } else if (isMemberLoss(err) || err instanceof CancellationException
                            || err instanceof InterruptedException || err instanceof RejectedExecutionException) {
                        requeue(a.candidate(), where + " stopped it: " + err.getClass().getSimpleName());
                    } else if (err instanceof Error fatal) {
                        throw fatal;
                    } else {
                        throw new ClusterEvaluationException("evaluating " + a.candidate().label() + " ("
                                + a.candidate().key() + ") on worker " + where + " failed: " + err, err);
                    }
                }
                case MemberGone g -> {
                    for (Attempt<T> a : List.copyOf(running.values())) {
                        if (a.member().getUuid().equals(g.member())) {
                            running.remove(a.id());
                            if (open.containsKey(tag(a.candidate()))) {
                                requeue(a.candidate(), HazelcastSetup.address(a.member()) + " left");
                            }
                        }
                    }
                }
                case MemberJoined j -> {
                    // dispatch() picks the new worker up
                }
            }
        }

        private void requeue(Candidate<T> c, String why) {
            String key = tag(c);
            boolean elsewhere = running.values().stream().anyMatch(a -> tag(a.candidate()).equals(key));
            if (elsewhere || queue.stream().anyMatch(q -> tag(q).equals(key))) {
                return;
            }
            int lost = losses.merge(key, 1, Integer::sum);
            if (lost > MAX_LOSSES) {
                throw new ClusterEvaluationException("evaluating " + c.label() + " (" + key + ") was lost " + lost
                        + " times, last because " + why + "; giving up (resume the search when the workers are "
                        + "stable)", null);
            }
            reruns++;
            log.accept("re-running " + c.label() + " (" + why + ")");
            queue.addFirst(c);
        }

        private void deliver(Outcome<T> o) {
            try {
                onResult.accept(o);
            } catch (Error | RuntimeException e) {
                // unwrapped: a store failure (full disk, corrupt database) keeps its type and maps to exit 2
                throw e;
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isMemberLoss(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetNotMemberException
                    || c instanceof HazelcastInstanceNotActiveException) {
                return true;
            }
        }
        return false;
    }

    /** A task failed on a worker for a reason other than the worker leaving (e.g. the factory is missing). */
    public static final class ClusterEvaluationException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ClusterEvaluationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Ids of refused workers and why (for tests and status lines). */
    Map<UUID, String> refused() {
        return Map.copyOf(refused);
    }

    List<String> eligibleAddresses() {
        List<String> out = new ArrayList<>();
        eligible.values().forEach(m -> out.add(HazelcastSetup.address(m)));
        out.sort(null);
        return out;
    }
}
