package io.henas.serve;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.export.ExportedModel;
import io.henas.infer.CiphertextFiles;
import io.henas.infer.InferenceServer;
import io.henas.infer.PlaintextCache;
import io.henas.rlwe.EvaluationKeys;

/**
 * {@code henas serve}: an exported model behind HTTP (Helidon SE). Endpoints:
 * <ul>
 *   <li>{@code GET /health}, {@code GET /v1/model} (JSON);</li>
 *   <li>{@code POST /v1/sessions}: evaluation keys in the {@code infer keygen} eval.keys format; 201 with
 *       {@code {"session": id}};</li>
 *   <li>{@code POST /v1/sessions/{id}/infer}: a ciphertext file ({@link CiphertextFiles}) of 1 to {@code maxBatch}
 *       images; 200 with the ciphertext file of their encrypted logits, the evaluation time in the header
 *       {@value #EVAL_SECONDS_HEADER};</li>
 *   <li>{@code DELETE /v1/sessions/{id}}.</li>
 * </ul>
 * Refusals are 4xx with a one-line JSON {@code {"error": ..., "status": ...}}: 400 malformed, 404 unknown session or
 * endpoint, 409 keys or ciphertexts for other parameters (or keys lacking a rotation the plan needs), 413 too large,
 * 429 busy. The server holds evaluation keys only: no request carries a secret key.
 */
public final class HenasServer implements AutoCloseable {
    /** Response header with the server's evaluation seconds of a query. */
    public static final String EVAL_SECONDS_HEADER = "X-Henas-Eval-Seconds";
    static final String JSON = "application/json";
    static final String BINARY = "application/octet-stream";
    /** Encoded plaintexts kept for all sessions together. */
    static final long PLAINTEXT_CACHE_BYTES = InferenceServer.DEFAULT_CACHE_BYTES;

    private final ExportedModel model;
    private final CkksParameters params;
    private final ServeConfig config;
    private final Sessions sessions;
    private final PlaintextCache cache = new PlaintextCache(PLAINTEXT_CACHE_BYTES);
    private final Semaphore busy;
    /**
     * Evaluations run on platform threads, not on Helidon's virtual request threads: the evaluator's limb pool parks
     * and unparks its caller many times per query, which costs a virtual thread a trip through the scheduler.
     */
    private final java.util.concurrent.ExecutorService evaluations;
    private final AtomicInteger liveEvaluators = new AtomicInteger();
    private final long maxQueryBytes;
    private final long maxUploadBytes;
    private final SecureRandom random = new SecureRandom();
    private final byte[] modelJson;
    private final WebServer web;
    /** Test hook: runs inside a query while it holds its concurrency slot, before the evaluation. */
    volatile Runnable beforeEvaluate = () -> { };

    private HenasServer(ExportedModel model, ServeConfig config) throws IOException {
        this.model = model;
        this.params = model.ckksParameters();
        this.config = config;
        this.sessions = new Sessions(config.maxSessions(), config.maxKeyBytes());
        this.busy = new Semaphore(config.maxConcurrent());
        this.evaluations = java.util.concurrent.Executors.newFixedThreadPool(config.maxConcurrent(),
                Thread.ofPlatform().daemon().name("henas-serve-eval-", 0).factory());
        long perImage = model.plan().inputLayout().regCount() * (CiphertextFiles.maxCiphertextBytes(params) + 4) + 4;
        this.maxQueryBytes = config.maxBatch() * perImage + 1024;
        this.maxUploadBytes = Math.min(config.maxKeyBytes(), Integer.MAX_VALUE - 64);
        this.modelJson = ServeJson.write(ModelInfo.of(model, config, maxQueryBytes)).getBytes(StandardCharsets.UTF_8);
        InetAddress address;
        try {
            address = InetAddress.getByName(config.bind());
        } catch (UnknownHostException e) {
            throw new IOException("--bind " + config.bind() + ": must be an address of this machine, but is unknown",
                    e);
        }
        // Helidon would install a JVM-wide deserialization filter that rejects what it does not know (and so break
        // Hazelcast's cluster tasks in the same JVM): leave the JVM's serialization settings as they are
        io.helidon.common.SerializationConfig.builder()
                .onNoConfig(io.helidon.common.SerializationConfig.Action.IGNORE)
                .onWrongConfig(io.helidon.common.SerializationConfig.Action.IGNORE)
                .build().configure();
        var b = WebServer.builder()
                .address(address)
                .port(config.port())
                .shutdownHook(false)
                .maxPayloadSize(Math.max(maxQueryBytes, maxUploadBytes) + (1 << 20))
                .maxConcurrentRequests(4 * config.maxConcurrent() + 16)
                .connectionConfig(c -> c.readTimeout(config.requestTimeout()))
                .routing(this::routes);
        if (config.tls() != null) {
            b.tls(Tls.builder().sslContext(config.tls()).build());
        }
        if (config.port() != 0) {
            // Helidon logs a failed bind and returns a stopped server: check first, for a one-line message
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress(address, config.port()));
            } catch (IOException e) {
                throw cannotListen(config, e);
            }
        }
        try {
            this.web = b.build().start();
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof BindException) {
                    throw cannotListen(config, c);
                }
            }
            throw e;
        }
        if (!web.isRunning() || web.port() < 0) {
            web.stop();
            throw cannotListen(config, new BindException("the web server did not start"));
        }
    }

    private static IOException cannotListen(ServeConfig config, Throwable cause) {
        return new IOException("--port " + config.port() + " / --bind " + config.bind() + ": cannot listen on "
                + config.bind() + ":" + config.port() + " (" + cause.getMessage() + "; is another server using it?)",
                cause);
    }

    /**
     * Starts a server for {@code model}.
     *
     * @throws IOException naming the option if the address is unknown or the port cannot be bound
     */
    public static HenasServer start(ExportedModel model, ServeConfig config) throws IOException {
        return new HenasServer(model, config);
    }

    /** The port listened on (the ephemeral one when configured with 0). */
    public int port() {
        return web.port();
    }

    /** Live sessions. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Bytes of the evaluation keys held by live sessions. */
    public long keyBytes() {
        return sessions.keyBytes();
    }

    /** Sessions evicted so far (least recently used first). */
    public long evictions() {
        return sessions.evictions();
    }

    /** Evaluators not yet closed (those of live sessions plus retired sessions with a query still running). */
    public int liveEvaluators() {
        return liveEvaluators.get();
    }

    /** The largest query body accepted. */
    public long maxQueryBytes() {
        return maxQueryBytes;
    }

    /** Stops listening and closes every session's evaluator (running queries finish first). */
    @Override
    public void close() {
        web.stop();
        evaluations.shutdown();
        sessions.clear();
    }

    private void routes(HttpRouting.Builder r) {
        r.get("/health", guard(this::health))
                .get("/v1/model", guard((req, res) -> send(res, 200, modelJson)))
                .post("/v1/sessions", guard(this::createSession))
                .post("/v1/sessions/{id}/infer", guard(this::infer))
                .delete("/v1/sessions/{id}", guard(this::deleteSession))
                .any(guard((req, res) -> {
                    throw new ServeException(404, "no endpoint " + req.prologue().method().text() + " "
                            + req.path().path() + " (see GET /v1/model)");
                }));
    }

    private void health(ServerRequest req, ServerResponse res) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("model", model.name());
        m.put("sessions", sessions.size());
        m.put("key_bytes", sessions.keyBytes());
        m.put("evictions", sessions.evictions());
        m.put("busy", config.maxConcurrent() - busy.availablePermits());
        m.put("max_concurrent", config.maxConcurrent());
        send(res, 200, ServeJson.write(m).getBytes(StandardCharsets.UTF_8));
    }

    private void createSession(ServerRequest req, ServerResponse res) throws IOException {
        byte[] body = body(req, maxUploadBytes, "the evaluation keys");
        long id;
        try {
            id = CiphertextFiles.keysParameterId(body, "evaluation keys");
        } catch (IOException e) {
            throw new ServeException(400, e.getMessage());
        }
        long want = Long.parseUnsignedLong(params.id(), 16);
        if (id != want) {
            throw new ServeException(409, String.format("evaluation keys must be for the model's parameters %016x, but"
                    + " are for %016x (keys of another model or parameter set)", want, id));
        }
        if (!busy.tryAcquire()) {
            throw busy();
        }
        try {
            EvaluationKeys keys;
            try {
                keys = CiphertextFiles.keysFromBytes(body, params, "evaluation keys");
            } catch (IOException e) {
                throw new ServeException(400, e.getMessage());
            }
            InferenceServer server;
            try {
                server = new InferenceServer(model, keys, config.threads(), cache);
            } catch (IllegalArgumentException e) {
                throw new ServeException(409, "evaluation keys do not fit the model's plan: " + e.getMessage());
            }
            liveEvaluators.incrementAndGet();
            byte[] raw = new byte[16];
            random.nextBytes(raw);
            Session s = new Session(HexFormat.of().formatHex(raw), body.length, server, liveEvaluators::decrementAndGet);
            sessions.add(s);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("session", s.id);
            m.put("key_bytes", body.length);
            send(res, 201, ServeJson.write(m).getBytes(StandardCharsets.UTF_8));
        } finally {
            busy.release();
        }
    }

    private void infer(ServerRequest req, ServerResponse res) throws IOException, InterruptedException {
        String id = req.path().pathParameters().get("id");
        byte[] body = body(req, maxQueryBytes, "a query");
        if (!busy.tryAcquire()) {
            throw busy();
        }
        try {
            Session s = sessions.acquire(id);
            if (s == null) {
                throw unknown(id);
            }
            try {
                List<List<Ciphertext>> in;
                try {
                    in = CiphertextFiles.fromBytes(body, params, "query");
                } catch (IOException e) {
                    throw new ServeException(e.getMessage().contains(CiphertextFiles.PARAMETERS_MISMATCH) ? 409 : 400,
                            e.getMessage());
                }
                if (in.isEmpty() || in.size() > config.maxBatch()) {
                    throw new ServeException(400, "query: must hold 1 to " + config.maxBatch() + " images, but holds "
                            + in.size());
                }
                if (!s.lock.tryLock(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new ServeException(429, "session " + id + " is busy with another query (waited "
                            + config.requestTimeout().toSeconds() + " s)");
                }
                List<InferenceServer.Evaluation> out;
                try {
                    beforeEvaluate.run();
                    out = evaluations.submit(() -> evaluate(s.server(), in)).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                } finally {
                    s.lock.unlock();
                }
                double seconds = out.stream().mapToDouble(InferenceServer.Evaluation::seconds).sum();
                res.header(EVAL_SECONDS_HEADER, Double.toString(seconds));
                send(res, 200, CiphertextFiles.toBytes(params, out.stream().map(InferenceServer.Evaluation::outputs)
                        .toList()), BINARY);
            } finally {
                s.release();
            }
        } finally {
            busy.release();
        }
    }

    private static List<InferenceServer.Evaluation> evaluate(InferenceServer server, List<List<Ciphertext>> in) {
        List<InferenceServer.Evaluation> out = new java.util.ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            try {
                out.add(server.evaluate(in.get(i)));
            } catch (IllegalArgumentException bad) {
                throw new ServeException(400, "query: image " + i + ": " + bad.getMessage());
            }
        }
        return out;
    }

    private void deleteSession(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!sessions.remove(id)) {
            throw unknown(id);
        }
        send(res, 200, ServeJson.write(Map.of("deleted", id)).getBytes(StandardCharsets.UTF_8));
    }

    private ServeException busy() {
        return new ServeException(429, "busy: " + config.maxConcurrent() + " request(s) already running; retry later");
    }

    private static ServeException unknown(String id) {
        return new ServeException(404, "unknown session " + id + " (never created, deleted, or evicted: upload the"
                + " keys again)");
    }

    /** The request body, at most {@code limit} bytes (413 beyond). */
    private static byte[] body(ServerRequest req, long limit, String what) throws IOException {
        var declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw tooLarge(what, limit, Long.toString(declared.getAsLong()));
        }
        byte[] b;
        try (InputStream in = req.content().inputStream()) {
            b = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        }
        if (b.length > limit) {
            throw tooLarge(what, limit, "more");
        }
        return b;
    }

    private static ServeException tooLarge(String what, long limit, String has) {
        return new ServeException(413, what + " must have at most " + limit + " bytes, but has " + has);
    }

    private static void send(ServerResponse res, int status, byte[] body) {
        send(res, status, body, JSON);
    }

    private static void send(ServerResponse res, int status, byte[] body, String type) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, type);
        res.send(body);
    }

    /** Every refusal as one line of JSON; the server survives any request. */
    private static Handler guard(Handler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (ServeException e) {
                if (e.status == 429) {
                    res.header(HeaderNames.RETRY_AFTER, "1");
                }
                error(res, e.status, e.getMessage());
            } catch (OutOfMemoryError e) {
                error(res, 503, "the server is out of memory: retry later, or with fewer sessions");
            } catch (Exception e) {
                System.getLogger(HenasServer.class.getName()).log(System.Logger.Level.ERROR, "request failed", e);
                error(res, 500, "internal error: " + e);
            }
        };
    }

    private static void error(ServerResponse res, int status, String message) {
        if (!res.isSent()) {
            send(res, status, ServeJson.error(status, message).getBytes(StandardCharsets.UTF_8));
        }
    }
}
