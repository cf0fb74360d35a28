package io.henas.cluster;

import java.time.Duration;
import java.util.Optional;

import picocli.CommandLine.Option;

/**
 * The cluster options shared by {@code henas worker} and {@code henas search} (a picocli mixin:
 * {@code @Mixin ClusterOptions cluster;}). Without {@code --cluster} a search stays local.
 */
public final class ClusterOptions {
    @Option(names = "--cluster", paramLabel = "HOST[:PORT],...",
            description = "Members to contact (explicit TCP/IP list; no multicast). Port default: 5701.")
    String members;

    @Option(names = "--name", paramLabel = "CLUSTER", defaultValue = ClusterConfig.DEFAULT_NAME,
            description = "Cluster name; members with another name are not admitted (default: ${DEFAULT-VALUE}).")
    String name = ClusterConfig.DEFAULT_NAME;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "IP address to bind to and announce (default: 127.0.0.1, this machine only). Another"
                    + " address needs --secret-file or HENAS_CLUSTER_SECRET.")
    String bind = "";

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "Shared cluster secret (at least 16 bytes; the same on every member), authenticating tasks,"
                    + " results and announcements (default: the environment variable HENAS_CLUSTER_SECRET).")
    java.nio.file.Path secretFile;

    @Option(names = "--port", paramLabel = "P",
            description = "Port to listen on (default: 5701, or the next free one up to 5801).")
    int port;

    @Option(names = "--member-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Remove a silent member after this long and re-run its evaluations (default: ${DEFAULT-VALUE}).")
    long memberTimeoutSeconds = 10;

    @Option(names = "--task-timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Also start an evaluation elsewhere after this long; first result wins (0 = never).")
    long taskTimeoutSeconds;

    @Option(names = "--worker-wait", paramLabel = "SECONDS", defaultValue = "600",
            description = "Search: give up when no eligible worker is present for this long (default: ${DEFAULT-VALUE}).")
    long workerWaitSeconds = 600;

    /** The cluster configuration, or empty when {@code --cluster} was not given (local evaluation). */
    public Optional<ClusterConfig> toConfig() throws java.io.IOException {
        if (members == null) {
            return Optional.empty();
        }
        ClusterSecret secret = secretFile != null ? ClusterSecret.fromFile(secretFile) : ClusterSecret.fromEnvironment();
        return Optional.of(ClusterConfig.builder(ClusterConfig.parseMembers(members)).clusterName(name)
                .bindAddress(bind).port(port).memberTimeout(Duration.ofSeconds(memberTimeoutSeconds))
                .taskTimeout(Duration.ofSeconds(taskTimeoutSeconds)).workerWait(Duration.ofSeconds(workerWaitSeconds))
                .secret(secret).build());
    }
}
