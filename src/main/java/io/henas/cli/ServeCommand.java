package io.henas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.henas.export.ExportedModel;
import io.henas.serve.HenasServer;
import io.henas.serve.ServeConfig;
import io.henas.serve.TlsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code henas serve}: encrypted inference over HTTP (the server holds evaluation keys only). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve an exported model for encrypted inference over HTTP until stopped (Ctrl-C).",
                "Endpoints: GET /health, GET /v1/model, POST /v1/sessions (evaluation keys), POST"
                        + " /v1/sessions/{id}/infer (ciphertexts), DELETE /v1/sessions/{id}. The server never sees a"
                        + " secret key."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.henas", description = "The exported model.")
    Path model;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default:"
            + " ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}; 0: any"
            + " free port).")
    int port;

    @Option(names = "--threads", defaultValue = "1", description = "Evaluator threads per query (default:"
            + " ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--max-concurrent", defaultValue = "1", description = "Queries and key uploads processed at once;"
            + " more get 429 (default: ${DEFAULT-VALUE}).")
    int maxConcurrent;

    @Option(names = "--max-sessions", defaultValue = "16", description = "Sessions kept; the least recently used is"
            + " evicted beyond (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--max-key-bytes", defaultValue = "2147483648", description = "Bytes of evaluation keys kept over"
            + " all sessions; least recently used sessions are evicted beyond, and a larger upload gets 413"
            + " (default: ${DEFAULT-VALUE}).")
    long maxKeyBytes;

    @Option(names = "--max-batch", defaultValue = "8", description = "Images in one query (default:"
            + " ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--request-timeout", defaultValue = "120", paramLabel = "SECONDS", description = "Longest wait"
            + " for a slow request body or a busy session (default: ${DEFAULT-VALUE}).")
    long requestTimeout;

    @Option(names = "--tls-keystore", paramLabel = "F", description = "PKCS12 or JKS key store with the server's"
            + " private key and certificate: serve HTTPS.")
    Path keystore;

    @Option(names = "--tls-password-file", paramLabel = "F", description = "File whose first line is the key store"
            + " password.")
    Path passwordFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (passwordFile != null && keystore == null) {
            throw new IllegalArgumentException("--tls-password-file needs --tls-keystore");
        }
        ExportedModel m = ExportedModel.read(model);
        ServeConfig c = new ServeConfig(bind, port, threads, maxConcurrent, maxSessions, maxKeyBytes, maxBatch,
                Duration.ofSeconds(requestTimeout), keystore == null ? null : TlsFiles.server(keystore, passwordFile));
        HenasServer server = HenasServer.start(m, c);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "henas-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("henas serve: %s (logN=%d, %.1f-bit security, plan %s) on %s://%s:%d, %d thread(s), %d concurrent,"
                        + " %d session(s), %d key bytes%n", m.name(), m.heParameters().logN(),
                m.heParameters().securityBits(), m.plan().fingerprint(), keystore == null ? "http" : "https", bind,
                server.port(), threads, maxConcurrent, maxSessions, maxKeyBytes);
        w.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
