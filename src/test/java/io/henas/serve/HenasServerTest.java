package io.henas.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.ckks.Ciphertext;
import io.henas.export.ExportedModel;
import io.henas.infer.CiphertextFiles;
import io.henas.infer.InferenceClient;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.GaloisKeys;

/** {@code henas serve} in process on 127.0.0.1 (ephemeral ports) with a small secure model. */
class HenasServerTest {
    @TempDir
    static Path dir;
    static ExportedModel model;
    static ServeTesting.Images images;
    /** One client's keys and an encrypted image, shared by the raw-HTTP tests. */
    static InferenceClient client;
    static EvaluationKeys keys;
    static byte[] keyBytes;
    static byte[] query;

    @BeforeAll
    static void setUp() throws IOException {
        model = ServeTesting.model(dir);
        images = ServeTesting.Images.of(model, 6, 40);
        client = InferenceClient.generate(model);
        keys = client.evaluationKeys();
        keyBytes = CiphertextFiles.keysToBytes(model.ckksParameters(), keys);
        query = CiphertextFiles.toBytes(model.ckksParameters(), List.of(client.encrypt(images.x()[0])));
    }

    private static String session(HenasServer s) throws IOException {
        ServeTesting.Answer a = ServeTesting.call(s, "POST", "/v1/sessions", keyBytes);
        assertEquals(201, a.status(), a.body());
        return (String) ServeJson.parseObject(a.body(), "session").get("session");
    }

    private static void assertNothingLeft(HenasServer s) {
        assertEquals(0, s.sessionCount(), "sessions");
        assertEquals(0, s.keyBytes(), "key bytes accounted");
        assertEquals(0, s.liveEvaluators(), "evaluators not closed");
    }

    @Test
    void clientRoundTripAgreesWithThePlaintextSimulation() throws IOException {
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(1, 4, 1L << 30));
             RemoteInference r = ServeTesting.remote(s, Duration.ZERO)) {
            Map<String, Object> m = r.model();
            assertEquals(model.plan().fingerprint(), m.get("plan_fingerprint"));
            assertEquals(model.ckksParameters().id(), m.get("parameter_id"));
            assertTrue(((Number) m.get("security_bits")).doubleValue() >= 128, m.toString());
            assertEquals("ok", r.health().get("status"));
            Map<String, Object> j = ClientRun.run(model, r, images.x(), images.labels(), images.sim(), 1, null);
            assertEquals(6L, ((Number) j.get("images")).longValue());
            assertEquals(1.0, ((Number) j.get("agreement")).doubleValue(), j.toString());
            assertEquals(1.0, ((Number) j.get("encrypted_accuracy")).doubleValue(), j.toString());
            assertTrue(((Number) j.get("max_rel_logit_error")).doubleValue() < 1e-3, j.toString());
            assertTrue(((Number) j.get("key_upload_bytes")).longValue() > 100_000, j.toString());
            assertEquals(6L * query.length, ((Number) j.get("upload_bytes")).longValue(), j.toString());
            assertTrue(((Number) j.get("download_bytes")).longValue() > 0, j.toString());
            assertTrue(((Number) j.get("server_eval_s_median")).doubleValue() > 0, j.toString());
            assertTrue(((Number) j.get("latency_s_median")).doubleValue()
                    >= ((Number) j.get("server_eval_s_median")).doubleValue(), j.toString());
            assertNothingLeft(s); // the client deleted its session
        }
    }

    @Test
    void garbageGets400AndTheNextClientStillSucceeds() throws IOException {
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(1, 4, 1L << 30))) {
            byte[] garbage = "GET / HTTP/1.1 this is not a key file \u0000\u0001".getBytes(StandardCharsets.UTF_8);
            ServeTesting.Answer a = ServeTesting.call(s, "POST", "/v1/sessions", garbage);
            assertEquals(400, a.status(), a.body());
            assertTrue(ServeTesting.error(a).get("error").toString().contains("HENAS-EVAL-KEYS-V1"), a.body());
            byte[] truncated = java.util.Arrays.copyOf(keyBytes, keyBytes.length / 2);
            assertEquals(400, ServeTesting.error(ServeTesting.call(s, "POST", "/v1/sessions", truncated)).get("status")
                    instanceof Number n ? n.intValue() : -1);
            String id = session(s);
            for (byte[] bad : List.of(garbage, new byte[0], java.util.Arrays.copyOf(query, query.length - 7))) {
                ServeTesting.Answer q = ServeTesting.call(s, "POST", "/v1/sessions/" + id + "/infer", bad);
                assertEquals(400, q.status(), q.body());
                ServeTesting.error(q);
            }
            byte[] flipped = query.clone();
            flipped[flipped.length - 3] ^= (byte) 0xff; // a residue out of range, or a valid but wrong ciphertext
            int st = ServeTesting.call(s, "POST", "/v1/sessions/" + id + "/infer", flipped).status();
            assertTrue(st == 200 || st == 400, "status " + st);
            ServeTesting.Answer ok = ServeTesting.call(s, "POST", "/v1/sessions/" + id + "/infer", query);
            assertEquals(200, ok.status(), ok.body());
            List<List<Ciphertext>> out = CiphertextFiles.fromBytes(ok.raw().body(), model.ckksParameters(), "answer");
            assertEquals(images.labels()[0], InferenceClient.argmax(client.decrypt(out.getFirst())));
            assertEquals(200, ServeTesting.call(s, "DELETE", "/v1/sessions/" + id, null).status());
            try (RemoteInference r = ServeTesting.remote(s, Duration.ZERO)) {
                Map<String, Object> j = ClientRun.run(model, r, new double[][]{images.x()[1]},
                        new int[]{images.labels()[1]}, new double[][]{images.sim()[1]}, 1, null);
                assertEquals(1.0, ((Number) j.get("agreement")).doubleValue());
            }
            assertNothingLeft(s);
        }
    }

    @Test
    void unknownSessionsAndEndpointsGet404() throws IOException {
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(1, 4, 1L << 30))) {
            ServeTesting.Answer a = ServeTesting.call(s, "POST", "/v1/sessions/0123abcd/infer", query);
            assertEquals(404, a.status(), a.body());
            assertTrue(ServeTesting.error(a).get("error").toString().contains("unknown session"), a.body());
            assertEquals(404, ServeTesting.call(s, "DELETE", "/v1/sessions/0123abcd", null).status());
            ServeTesting.Answer p = ServeTesting.call(s, "GET", "/v2/nothing", null);
            assertEquals(404, p.status(), p.body());
            ServeTesting.error(p);
            String id = session(s);
            assertEquals(200, ServeTesting.call(s, "DELETE", "/v1/sessions/" + id, null).status());
            assertEquals(404, ServeTesting.call(s, "POST", "/v1/sessions/" + id + "/infer", query).status());
            assertEquals(404, ServeTesting.call(s, "DELETE", "/v1/sessions/" + id, null).status());
            assertNothingLeft(s);
        }
    }

    @Test
    void keysAndQueriesForOtherParametersGet409() throws IOException {
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(1, 4, 1L << 30))) {
            byte[] other = keyBytes.clone();
            int idAt = "HENAS-EVAL-KEYS-V1".length() + 4 + 2 + 1;
            other[idAt + 7] ^= 1; // the header's parameter id
            ServeTesting.Answer a = ServeTesting.call(s, "POST", "/v1/sessions", other);
            assertEquals(409, a.status(), a.body());
            assertTrue(ServeTesting.error(a).get("error").toString().contains("parameters"), a.body());
            // well-formed keys of these parameters without the plan's rotations do not fit either
            byte[] noRot = CiphertextFiles.keysToBytes(model.ckksParameters(),
                    new EvaluationKeys(keys.publicKey(), keys.relinKey(), GaloisKeys.empty()));
            ServeTesting.Answer b = ServeTesting.call(s, "POST", "/v1/sessions", noRot);
            assertEquals(409, b.status(), b.body());
            assertTrue(ServeTesting.error(b).get("error").toString().contains("Galois key"), b.body());
            String id = session(s);
            byte[] q = query.clone();
            int pid = "HENAS-CIPHERTEXTS-V1".length() + 2; // the UTF parameter id of the ciphertext file
            q[pid] = (byte) (q[pid] == 'a' ? 'b' : 'a');
            ServeTesting.Answer c = ServeTesting.call(s, "POST", "/v1/sessions/" + id + "/infer", q);
            assertEquals(409, c.status(), c.body());
            ServeTesting.error(c);
            assertEquals(0, s.liveEvaluators() - s.sessionCount(), "refused uploads leave no evaluator");
        }
    }

    @Test
    void startingAServerLeavesTheJvmDeserializationFilterAlone() throws IOException {
        java.io.ObjectInputFilter before = java.io.ObjectInputFilter.Config.getSerialFilter();
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(1, 1, 1000))) {
            assertTrue(s.port() > 0);
        }
        assertEquals(before, java.io.ObjectInputFilter.Config.getSerialFilter(),
                "Helidon must not install a JVM-wide filter (Hazelcast's tasks in the same JVM would be rejected)");
    }

    @Test
    void tooLargeBodiesGet413() throws IOException {
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(1, 4, 1000))) {
            ServeTesting.Answer a = ServeTesting.call(s, "POST", "/v1/sessions", new byte[2000]);
            assertEquals(413, a.status(), a.body());
            assertTrue(ServeTesting.error(a).get("error").toString().contains("at most 1000 bytes"), a.body());
            assertEquals(200, ServeTesting.call(s, "GET", "/health", null).status());
            assertNothingLeft(s);
        }
    }

    @Test
    void aBusyServerAnswers429AndRecovers() throws Exception {
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(1, 4, 1L << 30))) {
            String id = session(s);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            s.beforeEvaluate = () -> {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                Future<ServeTesting.Answer> held = ex.submit(() -> ServeTesting.call(s, "POST", "/v1/sessions/" + id
                        + "/infer", query));
                assertTrue(entered.await(60, TimeUnit.SECONDS), "the first query must reach the evaluator");
                ServeTesting.Answer busy = ServeTesting.call(s, "POST", "/v1/sessions/" + id + "/infer", query);
                assertEquals(429, busy.status(), busy.body());
                ServeTesting.error(busy);
                assertEquals("1", busy.raw().headers().firstValue("Retry-After").orElse(null));
                assertEquals(429, ServeTesting.call(s, "POST", "/v1/sessions", keyBytes).status());
                try (RemoteInference noRetry = ServeTesting.remote(s, Duration.ZERO)) {
                    RemoteInference.HttpError e = assertThrows(RemoteInference.HttpError.class,
                            () -> noRetry.infer(id, query));
                    assertEquals(429, e.status());
                }
                assertEquals(1L, ((Number) ServeTesting.remote(s, Duration.ZERO).health().get("busy")).longValue());
                release.countDown();
                assertEquals(200, held.get(120, TimeUnit.SECONDS).status());
            } finally {
                release.countDown();
                ex.shutdownNow();
            }
            s.beforeEvaluate = () -> { };
            assertEquals(200, ServeTesting.call(s, "POST", "/v1/sessions/" + id + "/infer", query).status());
        }
    }

    @Test
    void fourConcurrentClients() throws Exception {
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(2, 8, 1L << 30))) {
            ExecutorService ex = Executors.newFixedThreadPool(4);
            try {
                List<Future<Map<String, Object>>> runs = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    int first = c;
                    runs.add(ex.submit(() -> {
                        try (RemoteInference r = ServeTesting.remote(s, Duration.ofSeconds(120))) {
                            int[] pick = {first, first + 2};
                            double[][] x = {images.x()[pick[0]], images.x()[pick[1]]};
                            int[] l = {images.labels()[pick[0]], images.labels()[pick[1]]};
                            double[][] sim = {images.sim()[pick[0]], images.sim()[pick[1]]};
                            return ClientRun.run(model, r, x, l, sim, 2, null);
                        }
                    }));
                }
                for (Future<Map<String, Object>> f : runs) {
                    Map<String, Object> j = f.get(300, TimeUnit.SECONDS);
                    assertEquals(1.0, ((Number) j.get("agreement")).doubleValue(), j.toString());
                }
            } finally {
                ex.shutdownNow();
            }
            assertNothingLeft(s);
        }
    }

    @Test
    void boundedLoadEvictsAndLeavesNothingBehind() throws IOException {
        int sessions = 5;
        int queries = 12;
        // keys of two sessions fit, a third evicts the least recently used
        try (HenasServer s = HenasServer.start(model, ServeTesting.config(1, 3, 2L * keyBytes.length + 10))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                ids.add(session(s));
                assertTrue(s.sessionCount() <= 2, "sessions " + s.sessionCount());
                assertTrue(s.keyBytes() <= 2L * keyBytes.length, "key bytes " + s.keyBytes());
            }
            assertEquals(3, s.evictions());
            assertEquals(2, s.liveEvaluators(), "evicted sessions closed their evaluators");
            assertEquals(404, ServeTesting.call(s, "POST", "/v1/sessions/" + ids.getFirst() + "/infer", query)
                    .status());
            for (int q = 0; q < queries; q++) {
                String id = ids.get(sessions - 1 - q % 2);
                byte[] body = q % 3 == 2 ? new byte[]{1, 2, 3} : query;
                ServeTesting.Answer a = ServeTesting.call(s, "POST", "/v1/sessions/" + id + "/infer", body);
                assertEquals(q % 3 == 2 ? 400 : 200, a.status(), a.body());
            }
            // using the older session made it the most recent: a new upload evicts the other one
            ServeTesting.call(s, "POST", "/v1/sessions/" + ids.get(sessions - 2) + "/infer", query);
            String last = session(s);
            assertEquals(404, ServeTesting.call(s, "POST", "/v1/sessions/" + ids.get(sessions - 1) + "/infer", query)
                    .status());
            for (String id : List.of(ids.get(sessions - 2), last)) {
                assertEquals(200, ServeTesting.call(s, "DELETE", "/v1/sessions/" + id, null).status());
            }
            assertNothingLeft(s);
            Map<String, Object> h = ServeJson.parseObject(ServeTesting.call(s, "GET", "/health", null).body(), "h");
            assertEquals(0L, ((Number) h.get("sessions")).longValue());
            assertEquals(0L, ((Number) h.get("key_bytes")).longValue());
            assertEquals(0L, ((Number) h.get("busy")).longValue());
        }
    }
}
