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
    private final ClusterAuth.Seal seal;
    private final int rung;
    private transient HazelcastInstance instance;
    private transient ClusterAuth rtAuth;

    /** A task sealed by the search's {@code auth}, training on rung 0 (the proxy). */
    EvaluationTask(String jobId, JobSpec job, NodeIdentity expected, Candidate<?> c, ClusterAuth auth) {
        this(jobId, job, expected, c, auth, 0);
    }

    /** A task sealed by the search's {@code auth} (a fresh nonce per submission), training on rung {@code rung}. */
    EvaluationTask(String jobId, JobSpec job, NodeIdentity expected, Candidate<?> c, ClusterAuth auth, int rung) {
        this.rung = rung;
        this.jobId = Objects.requireNonNull(jobId, "jobId");
        this.job = Objects.requireNonNull(job, "job");
        this.expected = Objects.requireNonNull(expected, "expected");
        this.genes = List.copyOf(c.genes());
        this.key = c.key();
        this.label = c.label();
        this.description = c.description();
        this.seal = auth.seal(payload());
    }

    private String[] payload() {
        return new String[]{"task", jobId, job.factoryClass(), job.settings().toString(),
                Integer.toString(job.threadsPerEvaluation()), expected.version(), expected.datasetSha256(),
                genes.toString(), key, label, description, Integer.toString(rung)};
    }

    /** The nonce results of this task are sealed with. */
    String nonce() {
        return seal == null ? "" : seal.nonce();
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
        // before anything else (no class is loaded or initialised, no evaluator built for an unauthenticated task)
        String forged = rt.auth().checkFresh(seal, payload());
        if (forged != null) {
            rt.refusal("refused a task for " + label + ": " + forged);
            throw new WorkerRefusedException("worker " + where() + " refused the task: " + forged);
        }
        var bad = expected.mismatch(rt.identity());
        if (bad.isPresent()) {
            throw new WorkerRefusedException("worker " + where() + " refused: " + bad.get());
        }
        rtAuth = rt.auth();
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
        return TaskResult.of(resultKey(key, rung), e, start, Instant.now(), where()).sealedBy(rtAuth, nonce());
    }

    private String where() {
        if (instance == null) {
            return "?";
        }
        var a = instance.getCluster().getLocalMember().getAddress();
        return a.getHost() + ":" + a.getPort();
    }
}
