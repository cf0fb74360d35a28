package io.henas.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;

/**
 * An evaluation member ({@code henas worker --cluster HOST[:PORT],...}): a full Hazelcast member that announces its
 * {@link NodeIdentity} and runs the {@link EvaluationTask}s a search ships to it. When a search member with another
 * identity is in the cluster (at join or later) the worker logs why, leaves the cluster and
 * {@link #awaitStop()} throws {@link WorkerRefusedException}; the search, for its part, never ships work to it.
 * When its Hazelcast member is shut down without the worker asking (any member can shut a Hazelcast cluster down,
 * with or without the henas secret), the worker logs one line and rejoins ({@link RejoiningMember}).
 */
public final class ClusterWorker implements AutoCloseable {
    private final RejoiningMember member;
    private final WorkerConfig config;
    private final Consumer<String> log;
    private final ClusterAuth auth;
    private final WorkerRuntime runtime;

    private ClusterWorker(WorkerConfig config, Consumer<String> log) {
        this.config = config;
        this.log = log;
        this.auth = new ClusterAuth(config.cluster().secret());
        this.runtime = new WorkerRuntime(config.identity(), config.environment(), log, auth);
        Map<String, String> attrs = new HashMap<>();
        attrs.put(NodeIdentity.ATTR_ROLE, NodeIdentity.ROLE_WORKER);
        attrs.put(NodeIdentity.ATTR_VERSION, config.identity().version());
        attrs.put(NodeIdentity.ATTR_DATASET, config.identity().datasetSha256());
        attrs.put(NodeIdentity.ATTR_CORES, Integer.toString(config.environment().cores()));
        attrs.put(NodeIdentity.ATTR_SLOTS, Integer.toString(config.slots()));
        int pool = config.slots() > 0 ? config.slots() : config.environment().cores();
        Map<String, String> sealed = HazelcastSetup.sealed(config.cluster(), auth, attrs);
        this.member = new RejoiningMember(() -> HazelcastSetup.config(config.cluster(), sealed, false,
                Map.of(WorkerRuntime.CONTEXT_KEY, runtime), pool), this::listen, () -> { }, log,
                "this worker's cluster member was shut down without the worker asking (another member may have shut"
                        + " the cluster down: Hazelcast lets any member do that, the secret cannot stop it); rejoining"
                        + " cluster '" + config.cluster().clusterName() + "'");
        member.start();
    }

    /** Watches the searches in (a new instance of) the cluster. */
    private void listen(HazelcastInstance hz) {
        hz.getCluster().addMembershipListener(new InitialMembershipListener() {
            @Override
            public void init(InitialMembershipEvent event) {
                event.getMembers().forEach(ClusterWorker.this::check);
            }

            @Override
            public void memberAdded(MembershipEvent event) {
                check(event.getMember());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                Member m = event.getMember();
                if (NodeIdentity.ROLE_SEARCH.equals(m.getAttribute(NodeIdentity.ATTR_ROLE))) {
                    log.accept("search " + HazelcastSetup.address(m) + " left; waiting for work");
                }
            }
        });
    }

    /**
     * Joins the cluster and returns; evaluations then run on Hazelcast's threads until {@link #close()}.
     *
     * @param log where progress lines go (the command passes standard error)
     */
    public static ClusterWorker start(WorkerConfig config, Consumer<String> log) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(log, "log");
        return new ClusterWorker(config, log);
    }

    /**
     * Runs a worker until its JVM is stopped (Ctrl-C, SIGTERM) or it is refused.
     *
     * @throws WorkerRefusedException when a search with another henas version or dataset is in the cluster
     */
    public static void run(WorkerConfig config) throws InterruptedException {
        try (ClusterWorker w = start(config, line -> System.err.println("henas worker: " + line))) {
            w.log.accept("joined cluster '" + config.cluster().clusterName() + "' as " + w.address() + " ("
                    + config.identity().brief() + "; " + w.member.instance().getCluster().getMembers().size()
                    + " members); waiting for work");
            w.awaitStop();
        }
    }

    /**
     * Blocks until this worker stops (a shutdown it did not ask for is not a stop: it rejoins).
     *
     * @throws WorkerRefusedException      if it stopped because a search refused it
     * @throws ClusterUnavailableException if it could not rejoin the cluster
     */
    public void awaitStop() throws InterruptedException {
        try {
            member.stopped().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WorkerRefusedException r) {
                throw new WorkerRefusedException(r.getMessage());
            }
            if (e.getCause() instanceof ClusterUnavailableException u) {
                throw new ClusterUnavailableException(u.getMessage(), u);
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** This member's {@code host:port}. */
    public String address() {
        return HazelcastSetup.address(member.instance().getCluster().getLocalMember());
    }

    /** Whether the member is in the cluster now (false while it rejoins and after it stopped). */
    public boolean running() {
        return member.running();
    }

    /** Times the worker rejoined after its member was shut down unasked. */
    int rejoins() {
        return member.rejoins();
    }

    private void check(Member m) {
        if (!NodeIdentity.ROLE_SEARCH.equals(m.getAttribute(NodeIdentity.ATTR_ROLE))) {
            return;
        }
        String forged = HazelcastSetup.checkAnnouncement(config.cluster(), auth, m);
        if (forged != null) {
            // an unauthenticated announcement never makes this worker leave; its tasks are refused as well
            runtime.refusal("ignoring the member at " + HazelcastSetup.address(m) + " that announces itself as a"
                    + " search: " + forged);
            return;
        }
        var search = NodeIdentity.of(m.getAttributes());
        String reason = search.isEmpty() ? "the search at " + HazelcastSetup.address(m) + " announced no identity"
                : search.get().mismatch(config.identity()).map(s -> "refused by the search at "
                        + HazelcastSetup.address(m) + ": " + s).orElse(null);
        if (reason == null) {
            log.accept("search " + HazelcastSetup.address(m) + " joined (" + search.get().brief() + ")");
            return;
        }
        log.accept(reason + "; leaving the cluster");
        member.stopped().completeExceptionally(new WorkerRefusedException(reason));
        // leave from another thread: this is a Hazelcast event thread
        Thread t = new Thread(member::terminate, "henas-worker-refused");
        t.setDaemon(true);
        t.start();
    }

    /** Leaves abruptly, without the graceful shutdown handshake, as a killed process would (for tests). */
    void kill() {
        member.terminate();
    }

    @Override
    public void close() {
        member.close();
    }
}
