package io.henas.cluster;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;

/**
 * A Hazelcast member that stays in its cluster. Open-source Hazelcast has no member authentication: a member that
 * joins without the henas secret can run no henas work, but it can still call Hazelcast's own
 * {@code getCluster().shutdown()}, which shuts every member down (and Hazelcast may also shut a member down after a
 * network split). When this member's instance shuts down without its owner asking ({@link #close()},
 * {@link #terminate()}, or the JVM exiting), it logs one line and joins again: a new instance with the same
 * configuration, on which the owner's {@code onJoin} installs its listeners again. Only when joining keeps failing
 * ({@value #MAX_ATTEMPTS} attempts) does it give up: {@link #stopped()} then completes with a
 * {@link ClusterUnavailableException}.
 *
 * <p>Hazelcast's own JVM shutdown hook is off ({@link HazelcastSetup#config}); this class installs one that marks the
 * member as stopping before it leaves gracefully, so that Ctrl-C or SIGTERM never looks like a shutdown to rejoin
 * from.
 */
final class RejoiningMember implements AutoCloseable {
    /** Joins tried in a row before giving up. */
    static final int MAX_ATTEMPTS = 10;
    /** Pause before each join attempt (lets the old instance release its port). */
    static final long RETRY_MS = 1000;

    private final Supplier<Config> config;
    private final Consumer<HazelcastInstance> onJoin;
    private final Runnable onLost;
    private final Consumer<String> log;
    private final String lostMessage;
    private final Object lock = new Object();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicInteger rejoins = new AtomicInteger();
    private final Thread hook;
    private volatile HazelcastInstance hz;
    private volatile boolean stopping;
    /** Whether a rejoin is under way (guarded by {@code lock}; a loss is handled once). */
    private boolean rejoining;

    /**
     * A member that has not joined yet ({@link #start()} joins).
     *
     * @param config      a fresh configuration per join (the same settings each time)
     * @param onJoin      installs listeners on a new instance (runs before the constructor or a rejoin returns)
     * @param onLost      runs when an instance was lost and before the rejoin (e.g. forget its members)
     * @param log         where the one line about the loss (and failed rejoins) goes
     * @param lostMessage that line
     */
    RejoiningMember(Supplier<Config> config, Consumer<HazelcastInstance> onJoin, Runnable onLost,
            Consumer<String> log, String lostMessage) {
        this.config = Objects.requireNonNull(config, "config");
        this.onJoin = Objects.requireNonNull(onJoin, "onJoin");
        this.onLost = Objects.requireNonNull(onLost, "onLost");
        this.log = Objects.requireNonNull(log, "log");
        this.lostMessage = Objects.requireNonNull(lostMessage, "lostMessage");
        this.hook = new Thread(this::close, "henas-cluster-leave");
    }

    /** Joins the cluster (throws if this first join fails, as {@link Hazelcast#newHazelcastInstance} does). */
    void start() {
        if (hz != null) {
            throw new IllegalStateException("already started");
        }
        join();
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void join() {
        HazelcastInstance h = Hazelcast.newHazelcastInstance(config.get());
        hz = h;
        h.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                instanceDown(h);
            }
        });
        onJoin.accept(h);
        if (!h.getLifecycleService().isRunning()) {
            instanceDown(h);
        }
    }

    /** The current instance (during a rejoin: the one that shut down). */
    HazelcastInstance instance() {
        return hz;
    }

    /** Whether the current instance runs (false while rejoining and after stopping). */
    boolean running() {
        HazelcastInstance h = hz;
        return h != null && h.getLifecycleService().isRunning();
    }

    /** Whether {@link #close()} or {@link #terminate()} was called (or the JVM is exiting). */
    boolean stopping() {
        return stopping;
    }

    /** Times this member joined again after an instance shut down unasked. */
    int rejoins() {
        return rejoins.get();
    }

    /**
     * Completes when the member stopped for good: normally after {@link #close()}/{@link #terminate()}; with a
     * {@link ClusterUnavailableException} when rejoining failed. The owner may complete it exceptionally first to
     * give its own reason.
     */
    CompletableFuture<Void> stopped() {
        return stopped;
    }

    private void instanceDown(HazelcastInstance h) {
        synchronized (lock) {
            if (stopping) {
                stopped.complete(null);
                return;
            }
            if (h != hz || rejoining) {
                return; // an old instance, or the one a running rejoin is checking
            }
            rejoining = true;
        }
        log.accept(lostMessage);
        onLost.run();
        Thread t = new Thread(this::rejoin, "henas-cluster-rejoin");
        t.setDaemon(true);
        t.start();
    }

    private void rejoin() {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stopping) {
                stopped.complete(null);
                return;
            }
            try {
                join();
            } catch (RuntimeException e) {
                last = e;
                log.accept("rejoining failed (attempt " + attempt + " of " + MAX_ATTEMPTS + "): " + e.getMessage());
                continue;
            }
            synchronized (lock) {
                if (stopping) {
                    // close() ran while this instance was being made: it saw only the old one
                    hz.getLifecycleService().shutdown();
                    stopped.complete(null);
                    return;
                }
                if (hz.getLifecycleService().isRunning()) {
                    rejoining = false;
                    rejoins.incrementAndGet();
                    return;
                }
            }
            // shut down again while joining: what it admitted is gone too
            last = new IllegalStateException("the new member was shut down again while joining");
            onLost.run();
        }
        stopped.completeExceptionally(new ClusterUnavailableException("could not rejoin the cluster after "
                + MAX_ATTEMPTS + " attempts: " + (last == null ? "" : last.getMessage()), last));
    }

    /** Leaves abruptly, without the graceful handshake, as a killed process would; no rejoin. */
    void terminate() {
        leave(false);
    }

    /** Leaves gracefully; no rejoin. */
    @Override
    public void close() {
        leave(true);
    }

    private void leave(boolean graceful) {
        stopping = true;
        removeHook();
        HazelcastInstance h = hz;
        if (h != null) {
            if (graceful) {
                h.getLifecycleService().shutdown();
            } else {
                h.getLifecycleService().terminate();
            }
        }
        stopped.complete(null);
    }

    private void removeHook() {
        if (Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs (or ran) and does the same
        }
    }
}
