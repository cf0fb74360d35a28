package io.henas.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared secret of a cluster ({@code --secret-file FILE} or the environment variable {@value #ENV}): every
 * task, result and role announcement carries an HMAC-SHA256 under it, so a member that does not know it can neither
 * run work on a worker nor make a worker leave. It authenticates; it does not encrypt (traffic stays readable on the
 * network). At least {@value #MIN_BYTES} bytes; surrounding white space is ignored. {@link #toString} never shows it.
 */
public final class ClusterSecret {
    public static final String ENV = "HENAS_CLUSTER_SECRET";
    public static final int MIN_BYTES = 16;
    private static final int MAX_FILE_BYTES = 4096;

    private final SecretKeySpec key;

    private ClusterSecret(byte[] secret, String source) {
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException(source + ": the cluster secret must have at least " + MIN_BYTES
                    + " bytes (e.g. openssl rand -hex 32), but has " + secret.length);
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** A secret given as text (tests, the environment variable). */
    public static ClusterSecret of(String secret, String source) {
        return new ClusterSecret(secret.strip().getBytes(StandardCharsets.UTF_8), source);
    }

    /** Reads a secret file (at most 4 KiB). */
    public static ClusterSecret fromFile(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": the cluster secret file must be a file, but is a directory");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(file + ": the cluster secret file must have at most " + MAX_FILE_BYTES
                    + " bytes, but has " + size);
        }
        return of(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** The secret from {@value #ENV}, or null when it is unset or empty. */
    public static ClusterSecret fromEnvironment() {
        String v = System.getenv(ENV);
        return v == null || v.isBlank() ? null : of(v, "environment variable " + ENV);
    }

    /** Hex HMAC-SHA256 of the parts (each length-prefixed, so that no two part lists collide). */
    String mac(String... parts) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            for (String p : parts) {
                byte[] b = (p == null ? "\u0000null" : p).getBytes(StandardCharsets.UTF_8);
                m.update(new byte[]{(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8),
                        (byte) b.length});
                m.update(b);
            }
            return HexFormat.of().formatHex(m.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }

    /** Whether {@code mac} is the HMAC of the parts (constant-time comparison). */
    boolean verifies(String mac, String... parts) {
        return mac != null && MessageDigest.isEqual(mac.getBytes(StandardCharsets.US_ASCII),
                mac(parts).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "ClusterSecret[hidden]";
    }
}
