package io.henas.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.henas.search.Candidate;
import io.henas.search.EvaluationBackend.Outcome;

/**
 * The scheduling of {@link ClusterBackend}, without Hazelcast: a queue of candidates, at most {@link Workers#slots}
 * evaluations per worker (the least-loaded worker with a free slot first), re-runs when a worker is lost, refuses or
 * stops a task, speculative second starts past the task timeout, and exactly one result per candidate key. The
 * workers, and how a task is shipped to one, come from a {@link Workers} (the Hazelcast adapter in production, plain
 * objects in tests); completions arrive as {@link Event}s through {@link #post}, from any thread.
 *
 * @param <T> candidate value type
 * @param <W> worker handle
 */
final class BatchScheduler<T, W> {
    /** Times one candidate may lose its worker before the batch gives up. */
    static final int MAX_LOSSES = 10;

    /** What the scheduler needs of the cluster. */
    interface Workers<T, W> {
        /** The eligible workers now. */
        Collection<W> eligible();

        /** A stable identity of {@code w} (equal for the same member). */
        Object id(W w);

        /** Evaluations {@code w} runs at once (at least 1). */
        int slots(W w);

        /** {@code host:port} of {@code w}, for messages. */
        String address(W w);

        /**
         * Ships {@code c} (training on {@code rung}) to {@code w}; its completion must be {@link #post posted} as
         * {@link Done} or {@link Failed} with {@code attempt}.
         *
         * @return a handle to cancel the task, or null if {@code w} just left (it is then no longer eligible)
         */
        Future<?> submit(long attempt, Candidate<T> c, int rung, W w);

        /** {@code w} refused a task (another secret or version): never use it again. */
        void refuse(W w, String why);

        /** Whether {@code t} means the worker was lost (left, not a member, this member stopped). */
        boolean isLoss(Throwable t);

        /**
         * The message when no worker joined within the wait, for {@code waiting} queued candidates (thrown as a
         * {@link ClusterUnavailableException}).
         */
        String noWorkers(int waiting);

        /** Extra text for the periodic "waiting for an eligible worker" line (e.g. refused members), or "". */
        String waitingDetail();
    }

    /** A completion or membership change, posted from any thread. */
    sealed interface Event permits Done, Failed, WorkerGone {
    }

    /** Attempt {@code attempt} returned {@code result} (already authenticated by the adapter). */
    record Done(long attempt, TaskResult result) implements Event {
    }

    /** Attempt {@code attempt} failed with {@code error}. */
    record Failed(long attempt, Throwable error) implements Event {
    }

    /** The worker with identity {@code worker} left: its running attempts are re-run elsewhere. */
    record WorkerGone(Object worker) implements Event {
    }

    private record Attempt<T, W>(long id, Candidate<T> candidate, W worker, long startNanos, Future<?> future) {
    }

    private final Workers<T, W> workers;
    private final Duration workerWait;
    private final Duration taskTimeout;
    private final Consumer<String> log;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final AtomicLong attempts = new AtomicLong();
    private volatile int reruns;

    /**
     * @param workerWait  how long a batch waits without any eligible worker before it fails
     * @param taskTimeout start an evaluation running longer than this elsewhere too (zero: never)
     */
    BatchScheduler(Workers<T, W> workers, Duration workerWait, Duration taskTimeout, Consumer<String> log) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.workerWait = Objects.requireNonNull(workerWait, "workerWait");
        this.taskTimeout = Objects.requireNonNull(taskTimeout, "taskTimeout");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Queues an event for the running batch (any thread). */
    void post(Event e) {
        events.add(e);
    }

    /** Evaluations re-run (or started twice) since this scheduler was made. */
    int reruns() {
        return reruns;
    }

    /** Evaluates {@code batch} on {@code rung}; {@code onResult} runs once per candidate, on the calling thread. */
    void run(List<Candidate<T>> batch, int rung, Consumer<Outcome<T>> onResult) throws InterruptedException {
        new Batch(batch, rung, onResult).run();
    }

    /** One {@link #run} call: the queue, the running attempts and the loop that reacts to events. */
    private final class Batch {
        private final Consumer<Outcome<T>> onResult;
        private final Map<String, Candidate<T>> open = new LinkedHashMap<>();
        private final Deque<Candidate<T>> queue = new ArrayDeque<>();
        private final Map<Long, Attempt<T, W>> running = new HashMap<>();
        private final Set<String> speculated = new HashSet<>();
        private final Map<String, Integer> losses = new HashMap<>();
        private final int rung;
        private long noWorkerSince = -1;
        private long lastWaitLog = -1;

        Batch(List<Candidate<T>> batch, int rung, Consumer<Outcome<T>> onResult) {
            if (rung < 0) {
                throw new IllegalArgumentException("rung must be >= 0, but was " + rung);
            }
            this.rung = rung;
            this.onResult = Objects.requireNonNull(onResult, "onResult");
            for (Candidate<T> c : batch) {
                if (reported.contains(tag(c))) {
                    throw new IllegalArgumentException("candidate " + c.key() + " was already evaluated by this"
                            + " backend");
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
                for (Attempt<T, W> a : running.values()) {
                    a.future().cancel(true);
                }
                running.clear();
            }
        }

        private void dispatch() {
            while (!queue.isEmpty()) {
                Candidate<T> c = queue.peek();
                W target = leastLoaded(tag(c));
                if (target == null) {
                    break;
                }
                queue.poll();
                long id = attempts.incrementAndGet();
                Future<?> f = workers.submit(id, c, rung, target);
                if (f == null) {
                    queue.addFirst(c);
                    break;
                }
                running.put(id, new Attempt<>(id, c, target, System.nanoTime(), f));
            }
            if (!queue.isEmpty() && workers.eligible().isEmpty()) {
                long now = System.nanoTime();
                if (noWorkerSince < 0) {
                    noWorkerSince = now;
                }
                if (now - noWorkerSince > workerWait.toNanos()) {
                    throw new ClusterUnavailableException(workers.noWorkers(open.size()));
                }
                if (lastWaitLog < 0 || now - lastWaitLog > TimeUnit.SECONDS.toNanos(30)) {
                    lastWaitLog = now;
                    log.accept("waiting for an eligible worker (" + open.size() + " candidates queued"
                            + workers.waitingDetail() + ")");
                }
            } else {
                noWorkerSince = -1;
            }
        }

        /** The eligible worker with a free slot and the lowest load, avoiding one already running {@code key}. */
        private W leastLoaded(String key) {
            Map<Object, Integer> busy = new HashMap<>();
            Set<Object> hasKey = new HashSet<>();
            for (Attempt<T, W> a : running.values()) {
                Object id = workers.id(a.worker());
                busy.merge(id, 1, Integer::sum);
                if (tag(a.candidate()).equals(key)) {
                    hasKey.add(id);
                }
            }
            W best = null;
            double bestLoad = Double.MAX_VALUE;
            for (W w : workers.eligible()) {
                Object id = workers.id(w);
                int used = busy.getOrDefault(id, 0);
                int slots = workers.slots(w);
                if (used >= slots || hasKey.contains(id)) {
                    continue;
                }
                double load = (double) used / slots;
                if (load < bestLoad) {
                    bestLoad = load;
                    best = w;
                }
            }
            return best;
        }

        private void checkTimeouts() {
            if (taskTimeout.isZero()) {
                return;
            }
            long now = System.nanoTime();
            for (Attempt<T, W> a : List.copyOf(running.values())) {
                String key = tag(a.candidate());
                if (now - a.startNanos() > taskTimeout.toNanos() && open.containsKey(key) && speculated.add(key)) {
                    reruns++;
                    log.accept("evaluation of " + a.candidate().label() + " on " + workers.address(a.worker())
                            + " exceeded " + taskTimeout.toSeconds() + " s; also starting it elsewhere");
                    queue.addFirst(a.candidate());
                }
            }
        }

        private void handle(Event e) {
            switch (e) {
                case Done d -> done(d);
                case Failed f -> failed(f);
                case WorkerGone g -> {
                    for (Attempt<T, W> a : List.copyOf(running.values())) {
                        if (workers.id(a.worker()).equals(g.worker())) {
                            running.remove(a.id());
                            if (open.containsKey(tag(a.candidate()))) {
                                requeue(a.candidate(), workers.address(a.worker()) + " left");
                            }
                        }
                    }
                }
            }
        }

        private void done(Done d) {
            Attempt<T, W> a = running.remove(d.attempt());
            String key = d.result().key();
            Candidate<T> c = open.remove(key);
            if (c == null || !reported.add(key)) {
                return; // a late duplicate (or from an earlier batch)
            }
            queue.removeIf(q -> tag(q).equals(key));
            for (Attempt<T, W> other : List.copyOf(running.values())) {
                if (tag(other.candidate()).equals(key)) {
                    running.remove(other.id());
                    other.future().cancel(true);
                }
            }
            if (a == null) {
                log.accept("accepting the result of " + c.label() + " from " + d.result().worker()
                        + " although its worker was given up");
            }
            // a failure of onResult (full disk, corrupt database) propagates unwrapped and keeps its type
            onResult.accept(new Outcome<>(c, d.result().evaluation(), d.result().started(), d.result().finished()));
        }

        private void failed(Failed f) {
            Attempt<T, W> a = running.remove(f.attempt());
            if (a == null || !open.containsKey(tag(a.candidate()))) {
                return;
            }
            Throwable err = f.error();
            String where = workers.address(a.worker());
            if (err instanceof WorkerRefusedException) {
                workers.refuse(a.worker(), err.getMessage());
                requeue(a.candidate(), where + " refused it");
            } else if (workers.isLoss(err) || err instanceof CancellationException
                    || err instanceof InterruptedException || err instanceof RejectedExecutionException) {
                requeue(a.candidate(), where + " stopped it: " + err.getClass().getSimpleName());
            } else if (err instanceof Error fatal) {
                throw fatal;
            } else {
                throw new ClusterBackend.ClusterEvaluationException("evaluating " + a.candidate().label() + " ("
                        + a.candidate().key() + ") on worker " + where + " failed: " + err, err);
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
                throw new ClusterBackend.ClusterEvaluationException("evaluating " + c.label() + " (" + key
                        + ") was lost " + lost + " times, last because " + why + "; giving up (resume the search"
                        + " when the workers are stable)", null);
            }
            reruns++;
            log.accept("re-running " + c.label() + " (" + why + ")");
            queue.addFirst(c);
        }
    }
}
