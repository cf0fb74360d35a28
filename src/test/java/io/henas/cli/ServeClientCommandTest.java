package io.henas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.export.ExportTestModels;
import io.henas.export.ExportedModel;
import io.henas.export.ModelExporter;
import io.henas.export.ModelSource;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;
import io.henas.ir.Json;
import io.henas.serve.HenasServer;
import io.henas.serve.ServeConfig;

/** {@code henas serve} user errors (exit 2) and {@code henas client} against an in-process server. */
class ServeClientCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        picocli.CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A tiny random-weight 28 x 28 model: its test data is Fashion-MNIST, as for infer. */
    private ExportedModel tinyModel() throws IOException {
        Architecture a = new Architecture("tiny", new Shape(1, 28, 28), 10, List.of(
                new Layer.Conv(2, 3, 2), new Layer.Activation(ActivationKind.SQUARE), new Layer.AvgPool(2),
                new Layer.Dense(10)));
        ModelSource s = ExportTestModels.source(a, 3);
        return ModelExporter.write(dir.resolve("tiny.henas"), s, HePlan.compile(s.folded().net(),
                CompileOptions.defaults(true)));
    }

    @Test
    void serveUserErrorsExitTwoNamingTheFileOrOption() throws IOException {
        Run missing = run("serve", dir.resolve("none.henas").toString(), "--port", "0");
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("none.henas"), missing.err());
        Path model = tinyModel().file();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run busy = run("serve", model.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(2, busy.code(), busy.err());
            assertTrue(busy.err().contains("--port " + taken.getLocalPort()), busy.err());
        }
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        Path junk = Files.writeString(dir.resolve("junk.p12"), "not a key store");
        Run tls = run("serve", model.toString(), "--port", "0", "--tls-keystore", junk.toString(),
                "--tls-password-file", pw.toString());
        assertEquals(2, tls.code(), tls.err());
        assertTrue(tls.err().contains("--tls-keystore") && tls.err().contains("junk.p12"), tls.err());
        Run threads = run("serve", model.toString(), "--port", "0", "--threads", "0");
        assertEquals(2, threads.code(), threads.err());
        assertTrue(threads.err().contains("--threads"), threads.err());
        Run noServer = run("client", model.toString(), "--server", "ftp://x", "--images", "1");
        assertEquals(2, noServer.code(), noServer.err());
        assertTrue(noServer.err().contains("--server"), noServer.err());
    }

    @Test
    void clientQueriesTheSameImagesAsInferEncrypted() throws IOException {
        ExportedModel m = tinyModel();
        ServeConfig c = new ServeConfig("127.0.0.1", 0, 1, 1, 4, 1L << 30, 4, Duration.ofSeconds(60), null);
        try (HenasServer s = HenasServer.start(m, c)) {
            Path out = dir.resolve("client.json");
            Run r = run("client", m.file().toString(), "--server", "http://127.0.0.1:" + s.port(), "--images", "4",
                    "--json", out.toString(), "--quiet");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> j = Json.asObject(Json.readFile(out), "client");
            for (String k : List.of("images", "encrypted_accuracy", "agreement", "latency_s_median",
                    "server_eval_s_median", "upload_bytes", "download_bytes", "key_upload_bytes")) {
                assertTrue(j.containsKey(k), k + " missing: " + j);
            }
            assertEquals(1.0, ((Number) j.get("agreement")).doubleValue(), j.toString());
            assertEquals(0, s.sessionCount());
            Path sim = dir.resolve("sim.json");
            Run i = run("infer", m.file().toString(), "--images", "4", "--quiet", "--json", sim.toString(),
                    "--calibration", dir.resolve("cal.json").toString());
            assertEquals(0, i.code(), i.err());
            assertEquals(((Number) Json.asObject(Json.readFile(sim), "sim").get("plain_accuracy")).doubleValue(),
                    ((Number) j.get("plain_accuracy")).doubleValue(), "the same test images as infer");
        }
    }
}
