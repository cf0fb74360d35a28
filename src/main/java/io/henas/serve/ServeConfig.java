package io.henas.serve;

import java.time.Duration;

import javax.net.ssl.SSLContext;

/**
 * Validated settings of {@link HenasServer}.
 *
 * @param bind           address to listen on (e.g. {@code 127.0.0.1}, {@code 0.0.0.0})
 * @param port           TCP port (0: an ephemeral port)
 * @param threads        evaluator threads per query (>= 1)
 * @param maxConcurrent  queries and key uploads processed at once (>= 1); more get 429
 * @param maxSessions    sessions kept (>= 1); the least recently used is evicted beyond it
 * @param maxKeyBytes    bytes of evaluation keys kept over all sessions (>= 1); the least recently used sessions are
 *                       evicted beyond it, and one upload may not exceed it (413)
 * @param maxBatch       images in one query (>= 1)
 * @param requestTimeout longest wait for a slow request body or a busy session (positive)
 * @param tls            TLS context (null: plain HTTP)
 */
public record ServeConfig(String bind, int port, int threads, int maxConcurrent, int maxSessions, long maxKeyBytes,
                          int maxBatch, Duration requestTimeout, SSLContext tls) {
    /** Default bound on the keys of all sessions: 2 GiB. */
    public static final long DEFAULT_MAX_KEY_BYTES = 2L << 30;

    public ServeConfig {
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("--bind must be an address, but was empty");
        }
        check("--port", port, 0, 65535);
        check("--threads", threads, 1, 1024);
        check("--max-concurrent", maxConcurrent, 1, 1024);
        check("--max-sessions", maxSessions, 1, 1 << 20);
        check("--max-batch", maxBatch, 1, 1024);
        if (maxKeyBytes < 1) {
            throw new IllegalArgumentException("--max-key-bytes must be >= 1, but was " + maxKeyBytes);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("--request-timeout must be positive, but was " + requestTimeout);
        }
    }

    /** Defaults: 127.0.0.1:8080, 1 thread, 1 query at a time, 16 sessions, 2 GiB of keys, batches of 8, 120 s. */
    public static ServeConfig defaults() {
        return new ServeConfig("127.0.0.1", 8080, 1, 1, 16, DEFAULT_MAX_KEY_BYTES, 8, Duration.ofSeconds(120), null);
    }

    private static void check(String name, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], but was " + v);
        }
    }
}
