package io.henas.cluster;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import io.henas.search.Evaluation;

/**
 * An evaluation's result as it travels back from a worker (only JDK types, unlike {@link Evaluation}).
 *
 * @param key      candidate key
 * @param status   {@link Evaluation.Status} name
 * @param accuracy proxy accuracy or NaN
 * @param latency  predicted latency in seconds or NaN
 * @param depth    multiplicative depth or -1
 * @param logN     ring degree log2 or -1
 * @param trainSeconds training seconds or NaN
 * @param failureReason "" when OK
 * @param started  when the worker started it
 * @param finished when the worker finished it
 * @param worker   the worker member that ran it (host:port)
 * @param keyBytes evaluation-key memory of the candidate's plan (-1 = unknown)
 * @param seal     the worker's seal over these fields and the task's nonce ({@link ClusterAuth}; "" without a secret)
 */
record TaskResult(String key, String status, double accuracy, double latency, int depth, int logN,
        double trainSeconds, String failureReason, Instant started, Instant finished, String worker, long keyBytes,
        String seal) implements Serializable {
    TaskResult {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        failureReason = failureReason == null ? "" : failureReason;
        worker = worker == null ? "" : worker;
        seal = seal == null ? "" : seal;
    }

    private String[] payload(String taskNonce) {
        return new String[]{"result", taskNonce, key, status, Double.toString(accuracy), Double.toString(latency),
                Integer.toString(depth), Integer.toString(logN), Double.toString(trainSeconds), failureReason,
                started.toString(), finished.toString(), worker, Long.toString(keyBytes)};
    }

    /** This result sealed by the worker for the task with {@code taskNonce}. */
    TaskResult sealedBy(ClusterAuth auth, String taskNonce) {
        String s = auth.enabled() ? auth.seal(payload(taskNonce)).text() : "";
        return new TaskResult(key, status, accuracy, latency, depth, logN, trainSeconds, failureReason, started,
                finished, worker, keyBytes, s);
    }

    /** Why the search cannot trust this result of the task with {@code taskNonce}, or null. */
    String check(ClusterAuth auth, String taskNonce) {
        return auth.checkMac(seal.isEmpty() ? null : ClusterAuth.Seal.parse(seal), payload(taskNonce));
    }

    static TaskResult of(String key, Evaluation e, Instant started, Instant finished, String worker) {
        return new TaskResult(key, e.status().name(), e.accuracy(), e.latencySeconds(), e.depth(), e.logN(),
                e.trainSeconds(), e.failureReason(), started, finished, worker, e.keyBytes(), "");
    }

    Evaluation evaluation() {
        return new Evaluation(Evaluation.Status.valueOf(status), accuracy, latency, depth, logN, trainSeconds,
                failureReason, keyBytes);
    }
}
