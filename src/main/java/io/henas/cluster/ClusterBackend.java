package io.henas.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
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
 * <p>Scheduling ({@link BatchScheduler}, which knows nothing of Hazelcast; this class admits members and ships tasks):
 * each eligible worker (same {@link NodeIdentity}) gets at most its slot count of evaluations at once
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
 * <p>When the search's own Hazelcast member is shut down without the search asking (any member can shut a Hazelcast
 * cluster down, with or without the henas secret), it logs one line, forgets its workers (their running evaluations
 * are queued again) and rejoins ({@link RejoiningMember}); the workers rejoin as well and are admitted afresh. If no
 * eligible worker is back within {@link ClusterConfig#workerWait()}, the batch fails with a
 * {@link ClusterUnavailableException}; every finished evaluation is already in {@code trials.db}.
 *
 * @param <T> type of the candidate value (only its description is shipped)
 */
public final class ClusterBackend<T> implements EvaluationBackend<T> {
    private final RejoiningMember member;
    private final ClusterConfig config;
    private final NodeIdentity identity;
    private final JobSpec job;
    private final String jobId = UUID.randomUUID().toString();
    /** Times one candidate may lose its worker before the batch gives up. */
    static final int MAX_LOSSES = BatchScheduler.MAX_LOSSES;
    private final Consumer<String> log;

    private final Map<UUID, Member> eligible = new ConcurrentHashMap<>();
    private final Map<UUID, String> refused = new ConcurrentHashMap<>();
    private final ClusterAuth auth;
    private final BatchScheduler<T, Member> scheduler;

    private ClusterBackend(ClusterConfig config, NodeIdentity identity, JobSpec job, Consumer<String> log) {
        this.config = config;
        this.identity = identity;
        this.job = job;
        this.log = log;
        this.auth = new ClusterAuth(config.secret());
        this.scheduler = new BatchScheduler<>(new HazelcastWorkers(), config.workerWait(), config.taskTimeout(), log);
        Map<String, String> attrs = HazelcastSetup.sealed(config, auth, Map.of(NodeIdentity.ATTR_ROLE,
                NodeIdentity.ROLE_SEARCH, NodeIdentity.ATTR_VERSION, identity.version(), NodeIdentity.ATTR_DATASET,
                identity.datasetSha256()));
        this.member = new RejoiningMember(() -> HazelcastSetup.config(config, attrs, true, Map.of(), 1), this::listen,
                this::forgetWorkers, log, "the search's cluster member was shut down without the search asking"
                        + " (another member may have shut the cluster down: Hazelcast lets any member do that, the"
                        + " secret cannot stop it); rejoining cluster '" + config.clusterName() + "': evaluations"
                        + " running on workers are re-run, finished ones are in trials.db");
        member.start();
    }

    /** Admits the workers of (a new instance of) the cluster. */
    private void listen(HazelcastInstance hz) {
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
                    scheduler.post(new BatchScheduler.WorkerGone(m.getUuid()));
                }
            }
        });
    }

    /** This member's instance shut down unasked: its workers are gone with it (they rejoin with new identities). */
    private void forgetWorkers() {
        for (UUID id : List.copyOf(eligible.keySet())) {
            if (eligible.remove(id) != null) {
                scheduler.post(new BatchScheduler.WorkerGone(id));
            }
        }
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
        return scheduler.reruns();
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

    /** This search member's {@code host:port} (while it rejoins: its configured bind address). */
    public String address() {
        try {
            return HazelcastSetup.address(member.instance().getCluster().getLocalMember());
        } catch (HazelcastInstanceNotActiveException e) {
            return config.bindAddress() + " (rejoining)";
        }
    }

    /** Times this search's member rejoined after it was shut down unasked. */
    int rejoins() {
        return member.rejoins();
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
        scheduler.run(batch, 0, onResult);
    }

    /** Workers train each candidate on the given rung's budget (multi-fidelity search, issue 14). */
    @Override
    public void evaluateAll(List<Candidate<T>> batch, int rung, Consumer<Outcome<T>> onResult)
            throws InterruptedException {
        scheduler.run(batch, rung, onResult);
    }

    @Override
    public void close() {
        member.close();
    }

    /** The scheduler's view of the cluster: eligible members, their slots, and tasks shipped with Hazelcast. */
    private final class HazelcastWorkers implements BatchScheduler.Workers<T, Member> {
        @Override
        public Collection<Member> eligible() {
            return eligible.values();
        }

        @Override
        public Object id(Member m) {
            return m.getUuid();
        }

        @Override
        public int slots(Member m) {
            return ClusterBackend.this.slots(m);
        }

        @Override
        public String address(Member m) {
            return HazelcastSetup.address(m);
        }

        @Override
        public Future<?> submit(long attempt, Candidate<T> c, int rung, Member m) {
            EvaluationTask task = new EvaluationTask(jobId, job, identity, c, auth, rung);
            Future<TaskResult> f;
            try {
                IExecutorService executor = member.instance().getExecutorService(HazelcastSetup.EXECUTOR);
                f = executor.submitToMember(task, m);
            } catch (RuntimeException e) {
                if (!member.running()) {
                    if (member.stopping()) {
                        throw new IllegalStateException("the search's cluster member stopped: " + e.getMessage(), e);
                    }
                    // rejoining: the candidate waits in the queue for the workers to come back
                    eligible.remove(m.getUuid());
                    return null;
                }
                if (isMemberLoss(e)) {
                    eligible.remove(m.getUuid());
                    return null;
                }
                throw e;
            }
            if (!(f instanceof CompletionStage<?> stage)) {
                throw new IllegalStateException("Hazelcast returned a " + f.getClass().getName()
                        + " that is not a CompletionStage; this Hazelcast version is not supported");
            }
            @SuppressWarnings("unchecked")
            CompletionStage<TaskResult> s = (CompletionStage<TaskResult>) stage;
            s.whenComplete((r, err) -> {
                // the worker's seal is checked before the result is used
                String forged = err == null ? r.check(auth, task.nonce()) : null;
                scheduler.post(err != null ? new BatchScheduler.Failed(attempt, unwrap(err))
                        : forged == null ? new BatchScheduler.Done(attempt, r)
                        : new BatchScheduler.Failed(attempt, new WorkerRefusedException("refusing the result of "
                                + c.label() + " from " + HazelcastSetup.address(m) + ": " + forged)));
            });
            return f;
        }

        @Override
        public void refuse(Member m, String why) {
            eligible.remove(m.getUuid());
            if (refused.put(m.getUuid(), why) == null) {
                log.accept(why);
            }
        }

        @Override
        public boolean isLoss(Throwable t) {
            return isMemberLoss(t);
        }

        @Override
        public String noWorkers(int waiting) {
            return "no eligible worker in cluster '" + config.clusterName() + "' for " + config.workerWait().toSeconds()
                    + " s (" + waiting + " candidates waiting; members " + config.members() + refusedText()
                    + "); start workers with: " + config.workerHint() + rejoinFailure();
        }

        @Override
        public String waitingDetail() {
            return refusedText();
        }
    }

    private String rejoinFailure() {
        var s = member.stopped();
        if (!s.isCompletedExceptionally()) {
            return "";
        }
        try {
            s.join();
            return "";
        } catch (CompletionException e) {
            return "; " + e.getCause().getMessage();
        }
    }

    private String refusedText() {
        return refused.isEmpty() ? "" : "; refused: " + refused.size() + " (" + refused.values().iterator().next()
                + ")";
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
