package io.henas.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.export.ExportedModel;

/** HTTPS with a key store generated in the test by the JDK's keytool. */
class TlsServeTest {
    @TempDir
    Path dir;

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, p.exitValue(), "keytool " + args[0] + ": " + out);
    }

    @Test
    void roundTripOverHttpsWithAGeneratedKeyStore() throws Exception {
        Path ks = dir.resolve("server.p12");
        Path cert = dir.resolve("server.pem");
        Path trust = dir.resolve("trust.p12");
        Path pw = Files.writeString(dir.resolve("password"), "changeit-test\n");
        keytool("-genkeypair", "-alias", "henas", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                ks.toString(), "-storepass", "changeit-test", "-keypass", "changeit-test");
        keytool("-exportcert", "-rfc", "-alias", "henas", "-keystore", ks.toString(), "-storepass", "changeit-test",
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "henas", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trust.toString(), "-storepass", "changeit-test");
        ExportedModel model = ServeTesting.model(dir);
        ServeTesting.Images im = ServeTesting.Images.of(model, 2, 70);
        ServeConfig c = new ServeConfig("127.0.0.1", 0, 1, 1, 4, 1L << 30, 4, Duration.ofSeconds(60),
                TlsFiles.server(ks, pw));
        try (HenasServer s = HenasServer.start(model, c)) {
            URI https = URI.create("https://127.0.0.1:" + s.port());
            try (RemoteInference r = new RemoteInference(https, TlsFiles.client(trust, pw), Duration.ofSeconds(120),
                    Duration.ZERO)) {
                Map<String, Object> j = ClientRun.run(model, r, im.x(), im.labels(), im.sim(), 1, null);
                assertEquals(1.0, ((Number) j.get("agreement")).doubleValue(), j.toString());
            }
            // a client that does not trust the certificate, and plain HTTP to the TLS port, get nowhere
            try (RemoteInference untrusted = new RemoteInference(https, null, Duration.ofSeconds(4), Duration.ZERO)) {
                assertThrows(IOException.class, untrusted::health);
            }
            try (RemoteInference plain = new RemoteInference(URI.create("http://127.0.0.1:" + s.port()), null,
                    Duration.ofSeconds(4), Duration.ZERO)) {
                assertThrows(IOException.class, plain::health);
            }
            assertEquals(0, s.sessionCount());
        }
    }

    @Test
    void badTlsFilesAreNamed() throws IOException {
        Path pw = Files.writeString(dir.resolve("password"), "x\n");
        IOException missing = assertThrows(IOException.class, () -> TlsFiles.server(dir.resolve("none.p12"), pw));
        assertTrue(missing.getMessage().contains("none.p12"), missing.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.p12"), "not a key store");
        IOException bad = assertThrows(IOException.class, () -> TlsFiles.server(junk, pw));
        assertTrue(bad.getMessage().contains("--tls-keystore") && bad.getMessage().contains("junk.p12"),
                bad.getMessage());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        IOException e = assertThrows(IOException.class, () -> TlsFiles.server(junk, empty));
        assertTrue(e.getMessage().contains("--tls-password-file"), e.getMessage());
    }
}
