package io.henas.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import io.henas.data.Dataset;
import io.henas.export.ExportedModel;
import io.henas.infer.InferenceRun;
import io.henas.ir.Json;
import io.henas.serve.ClientRun;
import io.henas.serve.RemoteInference;
import io.henas.serve.TlsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code henas client}: encrypted inference against {@code henas serve}; the secret key stays here. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Query a henas serve server with encrypted test images: generates keys (the secret key never"
                + " leaves this process), uploads the evaluation keys, encrypts, queries, decrypts, and reports"
                + " accuracy, agreement with the plaintext simulation, latency and bytes on the wire.",
                "The images are the ones infer --encrypted uses (the model's test data)."})
final class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.henas", description = "The exported model (the one the server serves).")
    Path model;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The server, e.g."
            + " http://host:8080.")
    URI server;

    @Option(names = "--images", defaultValue = "20", description = "Test images (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--data", description = "The model's test data (as for infer).")
    Path data;

    @Option(names = "--threads", defaultValue = "1", description = "Queries in flight at once (default:"
            + " ${DEFAULT-VALUE}); also the simulation's threads.")
    int threads;

    @Option(names = "--json", paramLabel = "OUT", description = "Write the report as JSON.")
    Path json;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "Longest wait for one"
            + " request, and for a busy (429) server to accept it (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Option(names = "--tls-truststore", paramLabel = "F", description = "Key store with the certificate(s) to trust"
            + " for https (default: the JDK's).")
    Path truststore;

    @Option(names = "--tls-password-file", paramLabel = "F", description = "File whose first line is the trust store"
            + " password.")
    Path passwordFile;

    @Option(names = "--quiet", description = "No per-image lines.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        CliFiles.outputFile("--json", json);
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, but was " + threads);
        }
        if (timeout < 1) {
            throw new IllegalArgumentException("--timeout must be >= 1, but was " + timeout);
        }
        ExportedModel m = ExportedModel.read(model);
        Dataset test = InferCommand.testData(m, data);
        if (images < 1 || images > test.size()) {
            throw new IllegalArgumentException("--images must be in [1, " + test.size() + "], but was " + images);
        }
        if (test.imageSize() != m.folded().net().node(0).shape().size()) {
            throw new IllegalArgumentException("images must have " + m.folded().net().node(0).shape().size()
                    + " values, but " + test.name() + " has " + test.imageSize());
        }
        double[][] x = new double[images][];
        int[] labels = new int[images];
        for (int i = 0; i < images; i++) {
            x[i] = test.image(i);
            labels[i] = test.label(i);
        }
        double[][] sim = InferenceRun.simulate(m, test, images, threads);
        PrintStream progress = quiet ? null : new PrintStream(System.err, true);
        Map<String, Object> j;
        try (RemoteInference remote = new RemoteInference(server,
                truststore == null ? null : TlsFiles.client(truststore, passwordFile), Duration.ofSeconds(timeout),
                Duration.ofSeconds(timeout))) {
            j = ClientRun.run(m, remote, x, labels, sim, threads, progress);
        }
        j.put("server", server.toString());
        j.put("model_file", model.toString());
        PrintWriter w = spec.commandLine().getOut();
        w.println(Json.pretty(j));
        w.flush();
        if (json != null) {
            Json.writeFile(json, j);
        }
        return ExitCodes.OK;
    }
}
