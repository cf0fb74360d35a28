package io.henas.cluster;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;

import io.henas.search.Candidate;
import io.henas.search.Evaluation;

/**
 * One candidate evaluation shipped to a worker: the job (factory + settings), the identity the search expects, and
 * the candidate as text (genes, key, label, description). On the worker it rebuilds the candidate with the job's
 * factory and evaluates it exactly as {@code LocalEvaluationPool} does: an exception from the evaluator becomes a
 * FAILED result; an exception from the set-up (factory, decoding) or an {@link Error} propagates to the search.
 */
final class EvaluationTask implements Callable<TaskResult>, Serializable, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final JobSpec job;
    private final NodeIdentity expected;
    private final List<Integer> genes;
    private final String key;
    private final String label;
    private final String description;
    private final int rung;
    private transient HazelcastInstance instance;

    EvaluationTask(String jobId, JobSpec job, NodeIdentity expected, Candidate<?> c) {
        this(jobId, job, expected, c, 0);
    }

    /** A task that trains on rung {@code rung} of the search's multi-fidelity schedule (0 = the proxy). */
    EvaluationTask(String jobId, JobSpec job, NodeIdentity expected, Candidate<?> c, int rung) {
        this.rung = rung;
        this.jobId = Objects.requireNonNull(jobId, "jobId");
        this.job = Objects.requireNonNull(job, "job");
        this.expected = Objects.requireNonNull(expected, "expected");
        this.genes = List.copyOf(c.genes());
        this.key = c.key();
        this.label = c.label();
        this.description = c.description();
    }

    String key() {
        return resultKey(key, rung);
    }

    /** The key a result travels under: the candidate key, with {@code @rungR} appended above rung 0. */
    static String resultKey(String key, int rung) {
        return rung == 0 ? key : key + "@rung" + rung;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
        this.instance = hz;
    }

    @Override
    public TaskResult call() throws Exception {
        Object ctx = instance == null ? null : instance.getUserContext().get(WorkerRuntime.CONTEXT_KEY);
        if (!(ctx instanceof WorkerRuntime rt)) {
            throw new WorkerRefusedException("member " + where() + " is not a henas worker");
        }
        var bad = expected.mismatch(rt.identity());
        if (bad.isPresent()) {
            throw new WorkerRefusedException("worker " + where() + " refused: " + bad.get());
        }
        TaskResult r = run(rt.prepare(jobId, job));
        rt.log("evaluated " + label + " (" + resultKey(key, rung) + "): " + r.status() + " in "
                + String.format(java.util.Locale.ROOT, "%.1f s", (r.finished().toEpochMilli()
                        - r.started().toEpochMilli()) / 1000.0));
        return r;
    }

    private <T> TaskResult run(WorkerRuntime.Prepared<T> p) throws Exception {
        T value = p.factory().decode(genes, key, description, job.settings());
        Candidate<T> c = new Candidate<>(genes, key, label, description, value);
        Instant start = Instant.now();
        Evaluation e;
        try {
            e = Objects.requireNonNull(p.evaluator().evaluate(c, rung), "evaluator returned null");
        } catch (InterruptedException ie) {
            throw ie;
        } catch (Exception ex) {
            String msg = ex.getMessage() == null ? "" : ": " + ex.getMessage();
            e = Evaluation.failed(ex.getClass().getSimpleName() + msg);
        }
        return TaskResult.of(resultKey(key, rung), e, start, Instant.now(), where());
    }

    private String where() {
        if (instance == null) {
            return "?";
        }
        var a = instance.getCluster().getLocalMember().getAddress();
        return a.getHost() + ":" + a.getPort();
    }
}
