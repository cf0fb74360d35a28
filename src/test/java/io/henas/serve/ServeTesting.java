package io.henas.serve;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.henas.export.ExportTestModels;
import io.henas.export.ExportedModel;
import io.henas.he.PlanSimulator;
import io.henas.he.TestNets;
import io.henas.infer.InferenceClient;

/** A small served model, its test images, and raw HTTP helpers shared by the serve tests. */
final class ServeTesting {
    /** Helidon's start and stop lines (JUL INFO) would fill the test log: warnings only. */
    private static final java.util.logging.Logger HELIDON = java.util.logging.Logger.getLogger("io.helidon");

    static {
        HELIDON.setLevel(java.util.logging.Level.WARNING);
    }

    private ServeTesting() {
    }

    /** The small secure test model (1 x 8 x 8 inputs, 10 classes). */
    static ExportedModel model(Path dir) throws IOException {
        return ExportTestModels.exportSecure(dir.resolve("m.henas"), 11);
    }

    /** Random images, their simulated logits, and the simulated class as label. */
    record Images(double[][] x, int[] labels, double[][] sim) {
        static Images of(ExportedModel m, int n, long seed) {
            double[][] x = new double[n][];
            double[][] sim = new double[n][];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                x[i] = TestNets.randomInput(m.folded().net().node(0).shape(), seed + i);
                sim[i] = PlanSimulator.run(m.binding(), x[i]).logits();
                labels[i] = InferenceClient.argmax(sim[i]);
            }
            return new Images(x, labels, sim);
        }
    }

    /** Local server settings: an ephemeral port on 127.0.0.1, one thread. */
    static ServeConfig config(int maxConcurrent, int maxSessions, long maxKeyBytes) {
        return new ServeConfig("127.0.0.1", 0, 1, maxConcurrent, maxSessions, maxKeyBytes, 4, Duration.ofSeconds(60),
                null);
    }

    static RemoteInference remote(HenasServer s, Duration busyRetry) {
        return new RemoteInference(URI.create("http://127.0.0.1:" + s.port()), null, Duration.ofSeconds(120),
                busyRetry);
    }

    record Answer(int status, String body, HttpResponse<byte[]> raw) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static Answer call(HenasServer s, String method, String path, byte[] body) throws IOException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(120)).build();
        try {
            HttpResponse<byte[]> res = HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(res.statusCode(), new String(res.body(), StandardCharsets.UTF_8), res);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The JSON error of a refusal: one line holding "error" and the status. */
    static Map<String, Object> error(Answer a) {
        if (a.body().contains("\n")) {
            throw new AssertionError("an error must be one line of JSON, but was: " + a.body());
        }
        Map<String, Object> m = ServeJson.parseObject(a.body(), "error body");
        if (!(m.get("error") instanceof String) || ((Number) m.get("status")).intValue() != a.status()) {
            throw new AssertionError("an error must hold \"error\" and \"status\" " + a.status() + ", but was " + m);
        }
        return m;
    }
}
