package io.henas.serve;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLContext;

/**
 * The client side of {@link HenasServer} over {@code java.net.http}: the model document, session upload, queries
 * and session deletion. A 429 (busy) answer is retried after a short wait until {@code busyRetry} has passed.
 * Thread-safe.
 */
public final class RemoteInference implements AutoCloseable {
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration busyRetry;

    /** A refusal of the server: its HTTP status and its one-line JSON reason. */
    public static final class HttpError extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * The server's answer to a query.
     *
     * @param body             the ciphertext file of the encrypted logits
     * @param serverSeconds    the server's evaluation time
     * @param roundTripSeconds from sending the query to holding the whole answer
     */
    public record Reply(byte[] body, double serverSeconds, double roundTripSeconds) {
    }

    /**
     * @param server    the server's base URL ({@code http://host:port} or {@code https://...})
     * @param tls       the TLS context trusting the server (null: the JDK's default trust)
     * @param timeout   the longest a request may take
     * @param busyRetry how long to keep retrying a busy (429) server (zero: no retry)
     */
    public RemoteInference(URI server, SSLContext tls, Duration timeout, Duration busyRetry) {
        String s = server.getScheme();
        if (!"http".equals(s) && !"https".equals(s) || server.getHost() == null) {
            throw new IllegalArgumentException("--server must be an http:// or https:// URL with a host, but was "
                    + server);
        }
        String text = server.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.timeout = timeout;
        this.busyRetry = busyRetry;
    }

    /** {@code GET /v1/model}. */
    public Map<String, Object> model() throws IOException {
        return json(send(get("v1/model")), "GET /v1/model");
    }

    /** {@code GET /health}. */
    public Map<String, Object> health() throws IOException {
        return json(send(get("health")), "GET /health");
    }

    /** Uploads evaluation keys (the eval.keys format); returns the session id. */
    public String openSession(byte[] keys) throws IOException {
        HttpRequest r = request("v1/sessions").POST(HttpRequest.BodyPublishers.ofByteArray(keys)).build();
        Object id = json(send(r), "POST /v1/sessions").get("session");
        if (!(id instanceof String s) || !s.matches("[0-9a-f]{1,64}")) {
            throw new IOException("POST /v1/sessions: the answer must hold a session id, but held " + id);
        }
        return s;
    }

    /** Sends a query (a ciphertext file) to a session. */
    public Reply infer(String session, byte[] query) throws IOException {
        HttpRequest r = request("v1/sessions/" + session + "/infer")
                .POST(HttpRequest.BodyPublishers.ofByteArray(query)).build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> res = send(r);
        double rt = (System.nanoTime() - t0) / 1e9;
        double server = res.headers().firstValue(HenasServer.EVAL_SECONDS_HEADER).map(Double::parseDouble)
                .orElse(Double.NaN);
        return new Reply(res.body(), server, rt);
    }

    /** {@code DELETE /v1/sessions/{id}}. */
    public void deleteSession(String session) throws IOException {
        send(request("v1/sessions/" + session).DELETE().build());
    }

    private HttpRequest get(String path) {
        return request(path).GET().build();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
    }

    /** Sends, retrying 429 until {@code busyRetry}; any other non-2xx answer is an {@link HttpError}. */
    private HttpResponse<byte[]> send(HttpRequest r) throws IOException {
        long deadline = System.nanoTime() + busyRetry.toNanos();
        long wait = 20;
        while (true) {
            HttpResponse<byte[]> res;
            try {
                res = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + r.uri(), e);
            } catch (java.net.ConnectException e) {
                throw new IOException(r.uri() + ": cannot connect (" + e + "): is henas serve running there?", e);
            }
            int code = res.statusCode();
            if (code / 100 == 2) {
                return res;
            }
            if (code == 429 && System.nanoTime() + wait * 1_000_000 < deadline) {
                sleep(wait);
                wait = Math.min(wait * 2, 1000);
                continue;
            }
            String body = new String(res.body(), StandardCharsets.UTF_8).strip();
            String reason = body;
            try {
                Object e = ServeJson.parseObject(body, "error").get("error");
                reason = e == null ? body : e.toString();
            } catch (RuntimeException notJson) {
                // keep the raw body
            }
            throw new HttpError(code, r.method() + " " + r.uri().getPath() + ": HTTP " + code + ": " + reason);
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static Map<String, Object> json(HttpResponse<byte[]> res, String what) throws IOException {
        try {
            return ServeJson.parseObject(new String(res.body(), StandardCharsets.UTF_8), what);
        } catch (RuntimeException e) {
            throw new IOException(what + ": the answer must be a JSON object, but was not (" + e.getMessage() + ")",
                    e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
