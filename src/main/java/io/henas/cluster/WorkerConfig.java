package io.henas.cluster;

import java.util.Objects;

/**
 * Settings of one worker member ({@code henas worker}).
 *
 * @param cluster     where to join
 * @param identity    this worker's henas version and dataset hash, compared with the search's at join
 * @param environment local data directory and cores
 * @param slots       evaluations at once on this worker; 0 = {@code max(1, cores / threadsPerEvaluation)} of
 *                    each search's job
 */
public record WorkerConfig(ClusterConfig cluster, NodeIdentity identity, WorkerEnvironment environment, int slots) {
    public WorkerConfig {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(environment, "environment");
        if (slots < 0) {
            throw new IllegalArgumentException("slots must be >= 0 (0 = from the cores), but was " + slots);
        }
    }
}
