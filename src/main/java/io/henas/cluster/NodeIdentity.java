package io.henas.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * What must agree between the search and a worker before any evaluation is shipped: the henas version and the
 * SHA-256 of the dataset the worker trains on ({@link DatasetFingerprint}). Each member announces its identity as
 * Hazelcast member attributes when it joins; the search ships work only to workers whose identity equals its own,
 * and a worker that sees a search with another identity exits (see {@link ClusterWorker}).
 *
 * @param version       henas version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param datasetSha256 lower-case hex SHA-256 of the dataset content
 */
public record NodeIdentity(String version, String datasetSha256) implements java.io.Serializable {
    /** Member attribute names. */
    static final String ATTR_ROLE = "henas.role", ATTR_VERSION = "henas.version", ATTR_DATASET = "henas.dataset",
            ATTR_CORES = "henas.cores", ATTR_SLOTS = "henas.slots", ATTR_AUTH = "henas.auth";
    /** Values of {@link #ATTR_ROLE}. */
    static final String ROLE_SEARCH = "search", ROLE_WORKER = "worker";

    public NodeIdentity {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(datasetSha256, "datasetSha256");
        if (version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
        if (!datasetSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("datasetSha256 must be 64 lower-case hex digits, but was '"
                    + datasetSha256 + "'");
        }
    }

    /** This henas build's identity for a dataset hash. */
    public static NodeIdentity current(String datasetSha256) {
        return new NodeIdentity(henasVersion(), datasetSha256);
    }

    /** The version of the henas classes on the class path (from the build's {@code version.properties}). */
    public static String henasVersion() {
        Properties p = new Properties();
        try (InputStream in = NodeIdentity.class.getClassLoader().getResourceAsStream("io/henas/cli/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read henas version.properties: " + e.getMessage(), e);
        }
        String v = p.getProperty("version", "unknown");
        return v.contains("${") ? "unknown" : v;
    }

    /** Why a peer with {@code other}'s identity cannot work with this one, or empty if they agree. */
    public Optional<String> mismatch(NodeIdentity other) {
        StringBuilder sb = new StringBuilder();
        if (!version.equals(other.version)) {
            sb.append("henas version mismatch: search=").append(version).append(", worker=").append(other.version);
        }
        if (!datasetSha256.equals(other.datasetSha256)) {
            sb.append(sb.isEmpty() ? "" : "; ").append("dataset sha256 mismatch: search=").append(datasetSha256)
                    .append(", worker=").append(other.datasetSha256);
        }
        return sb.isEmpty() ? Optional.empty() : Optional.of(sb.toString());
    }

    /** The identity a member announced, or empty when it has no (or malformed) henas attributes. */
    static Optional<NodeIdentity> of(Map<String, String> attributes) {
        String v = attributes.get(ATTR_VERSION);
        String d = attributes.get(ATTR_DATASET);
        if (v == null || d == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new NodeIdentity(v, d));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Short form for log lines: version and the first 12 hex digits of the dataset hash. */
    public String brief() {
        return "henas " + version + ", dataset " + datasetSha256.substring(0, 12);
    }
}
