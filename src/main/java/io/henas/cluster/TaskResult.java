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
 */
record TaskResult(String key, String status, double accuracy, double latency, int depth, int logN,
        double trainSeconds, String failureReason, Instant started, Instant finished, String worker)
        implements Serializable {
    TaskResult {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        failureReason = failureReason == null ? "" : failureReason;
        worker = worker == null ? "" : worker;
    }

    static TaskResult of(String key, Evaluation e, Instant started, Instant finished, String worker) {
        return new TaskResult(key, e.status().name(), e.accuracy(), e.latencySeconds(), e.depth(), e.logN(),
                e.trainSeconds(), e.failureReason(), started, finished, worker);
    }

    Evaluation evaluation() {
        return new Evaluation(Evaluation.Status.valueOf(status), accuracy, latency, depth, logN, trainSeconds,
                failureReason);
    }
}
