package io.henas.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.henas.bench.EvaluatorOpMeasurer;
import io.henas.ckks.Ciphertext;
import io.henas.cost.Calibration;
import io.henas.cost.CalibrationCache;
import io.henas.cost.CalibrationKey;
import io.henas.cost.ChainShape;
import io.henas.cost.CostModel;
import io.henas.data.Dataset;
import io.henas.export.ExportedModel;
import io.henas.infer.BatchInferenceRun;
import io.henas.infer.CiphertextFiles;
import io.henas.infer.InferenceClient;
import io.henas.infer.InferenceReport;
import io.henas.infer.InferenceRun;
import io.henas.infer.InferenceServer;
import io.henas.ir.Json;
import io.henas.rlwe.EvaluationKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code henas infer}: Run an exported model in plaintext simulation or under real CKKS encryption. */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = {"Run an exported model in plaintext simulation or under real CKKS encryption.",
                "Without --encrypted: the plan in double arithmetic (predicts encrypted accuracy in seconds).",
                "With --encrypted: client and server roles in one process. The keygen, encrypt, eval and decrypt"
                        + " subcommands run the roles separately, exchanging files."},
        subcommands = {InferCommand.Keygen.class, InferCommand.Encrypt.class, InferCommand.Eval.class,
                InferCommand.Decrypt.class})
final class InferCommand implements Callable<Integer> {
    /** Test images without --images (one image per run). */
    static final int DEFAULT_IMAGES = 200;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE.henas", description = "The exported model.")
    Path model;

    @Option(names = "--encrypted", description = "Run under real CKKS encryption (default: plaintext simulation).")
    boolean encrypted;

    @Option(names = "--batch", description = "With --encrypted, for a model exported with --packing batch: encrypt the"
            + " first --images test images (at most N/2; default: that many) as ONE batch, one image per slot, and"
            + " report the batch latency and the amortized images per second.")
    boolean batch;

    @Option(names = "--images", description = "Test images (default: 200; with --batch a full batch, N/2 or the"
            + " test set if smaller).")
    Integer images;

    @Option(names = "--data", description = "The model's test data (its dataset, recorded at export: Fashion-MNIST"
            + " or MNIST IDX files, CIFAR-10 binary, .npz or an image folder; Fashion-MNIST default: Debian package"
            + " directory if installed, else the shipped subset), preprocessed as the model declares.")
    Path data;

    @Mixin
    ThreadsMixin threadsOption;

    @Option(names = "--json", paramLabel = "OUT", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--calibration", description = "Calibration cache for the predicted latency (default:"
            + " ~/.cache/henas/calibration.json).")
    Path calibration;

    @Option(names = "--calibrate", description = "Measure the operation latencies for the model's ring degree if the"
            + " cache lacks them (minutes; with --encrypted, between shares of the images when the heap holds both).")
    boolean calibrate;

    @Option(names = "--verify", description = "Also recompile the model's network with this henas's compiler and report"
            + " whether it gives the plan the model stores (the stored plan runs either way).")
    boolean verify;

    @Option(names = "--quiet", description = "No per-image lines.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if (model == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required parameter: FILE.henas (or a subcommand: keygen, encrypt, eval, decrypt)");
        }
        int threads = threadsOption.get();
        CliFiles.outputFile("--json", json);
        PrintWriter w = spec.commandLine().getOut();
        ExportedModel m = ExportedModel.read(model);
        Dataset test = testData(m, data);
        CostModel cached = cachedCostModel(m, calibration, threads);
        boolean interleave = cached == null && calibrate && encrypted && !batch && interleavedFits(m);
        // no calibration to make, or one made between the images: otherwise calibrate now, before the images
        CostModel cost = cached != null || interleave || !calibrate ? cached
                : calibrate(m, calibration, threads, pass -> {
                });
        w.printf("%s: %s, logN=%d, log QP=%d, %.1f-bit security%n", m.name(), m.plan(), m.heParameters().logN(),
                m.heParameters().logQp(), m.heParameters().securityBits());
        w.flush();
        if (batch) {
            if (!encrypted) {
                throw new IllegalArgumentException("--batch needs --encrypted (the plaintext simulation of a batch model"
                        + " runs without --batch)");
            }
            int n = images != null ? images : Math.min(m.plan().slots(), test.size());
            BatchInferenceRun.Report br = BatchInferenceRun.run(m, test, n, threads, cost);
            Map<String, Object> bj = br.toJson();
            bj.put("model_file", model.toString());
            bj.put("plan_fingerprint", m.plan().fingerprint());
            w.println(Json.pretty(bj));
            w.flush();
            if (json != null) {
                Json.writeFile(json, bj);
            }
            return ExitCodes.OK;
        }
        PrintStream progress = quiet || !encrypted ? null : new PrintStream(System.out, true);
        int n = images != null ? images : DEFAULT_IMAGES;
        InferenceReport r = interleave
                ? InferenceRun.run(m, test, n, true, threads, afterPass -> calibrate(m, calibration, threads, afterPass),
                        progress)
                : InferenceRun.run(m, test, n, encrypted, threads, cost, progress);
        Map<String, Object> j = r.toJson();
        double trained = m.provenance().testAccuracy();
        j.put("trained_test_accuracy", Double.isNaN(trained) ? null : trained);
        j.put("model_file", model.toString());
        j.put("plan_fingerprint", m.plan().fingerprint());
        j.put("program_fingerprint", m.plan().programFingerprint());
        j.put("model_format_version", m.formatVersion());
        if (verify) {
            Optional<String> diff = m.verify();
            j.put("plan_matches_compiler", diff.isEmpty());
            spec.commandLine().getErr().println(diff.map(d -> "henas: note: " + d + "; the model runs its stored plan")
                    .orElse("plan verified: this henas compiles the model's network to the stored plan"));
            spec.commandLine().getErr().flush();
        }
        w.println(Json.pretty(j));
        if (r.predictedLatencyS().isEmpty()) {
            w.println("(no calibration for this machine and " + threads + " thread(s): predicted latency omitted; run"
                    + " with --calibrate)");
        }
        w.flush();
        if (json != null) {
            Json.writeFile(json, j);
        }
        return ExitCodes.OK;
    }

    /** The model's test images (its dataset from {@code dir}), preprocessed as the model declares. */
    static Dataset testData(ExportedModel m, Path dir) throws IOException {
        return CliData.testData(m, dir);
    }

    /**
     * The cost model of the cached calibration when it covers the model's shape (for the executor: plaintexts
     * pre-encoded after the first image); null otherwise. An outdated or malformed cache counts as none.
     */
    static CostModel cachedCostModel(ExportedModel m, Path file, int threads) {
        Path f = file != null ? file : CalibrationCache.defaultPath();
        Optional<Calibration> c = CostModel.fromCache(f, threads).calibration();
        return c.isPresent() && c.get().covers(List.of(ChainShape.of(m.plan()))) ? new CostModel(c.get(), true) : null;
    }

    /** Calibrates the model's shape into the cache, calling {@code afterPass} after each pass. */
    static CostModel calibrate(ExportedModel m, Path file, int threads, java.util.function.IntConsumer afterPass) {
        Path f = file != null ? file : CalibrationCache.defaultPath();
        try (EvaluatorOpMeasurer meas = new EvaluatorOpMeasurer(threads)) {
            return new CostModel(CalibrationCache.ensure(f, CalibrationKey.current(threads), meas,
                    List.of(ChainShape.of(m.plan())), afterPass), true);
        }
    }

    /**
     * Whether calibrating the model's shape fits in the heap next to an encrypted run's state (keys, the largest set
     * of live ciphertexts, the cached plaintexts), so that the two can interleave; otherwise the calibration runs
     * first, alone, as it must for the large rings.
     */
    static boolean interleavedFits(ExportedModel m) {
        long run = io.henas.cost.MemoryModel.galoisKeyBytes(m.plan())
                + io.henas.cost.MemoryModel.relinearizationKeyBytes(m.plan())
                + io.henas.cost.MemoryModel.peakCiphertextBytes(m.plan())
                + Math.min(io.henas.cost.MemoryModel.plaintextBytes(m.plan()), InferenceServer.DEFAULT_CACHE_BYTES);
        return io.henas.bench.HeapBudget.fits(EvaluatorOpMeasurer.heapNeed(ChainShape.of(m.plan())) + run);
    }

    /**
     * A result the server returned must look like one: positive finite scale within 2^20 of the parameters' scale
     * (a forged scale such as 1e300 would decode to zeros and print a class as if it were a prediction).
     */
    static void checkResult(Path file, int image, List<Ciphertext> cts, ExportedModel m) {
        double want = m.ckksParameters().defaultScale();
        for (int k = 0; k < cts.size(); k++) {
            double s = cts.get(k).scale();
            if (!(s > 0) || !Double.isFinite(s) || Math.abs(Math.log(s / want) / Math.log(2)) > 20) {
                throw new IllegalArgumentException(file + ": image " + image + " result " + k + " must have a scale"
                        + " within 2^20 of " + want + " (the model's), but has " + s + " (not a result of this model)");
            }
        }
    }

    /** {@code henas infer keygen}: client keys. */
    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Client: generate keys; writes DIR/client.key (secret: keep it) and DIR/eval.keys (for the"
                    + " server).")
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "FILE.henas")
        Path model;
        @Option(names = "--dir", required = true, description = "Directory for the key files.")
        Path dir;
        @Option(names = "--force", description = "Replace existing key files (the old secret key is lost: its"
                + " ciphertexts can no longer be decrypted).")
        boolean force;

        @Override
        public Integer call() throws IOException {
            ExportedModel m = ExportedModel.read(model);
            Path key = dir.resolve("client.key");
            Path keys = dir.resolve("eval.keys");
            refuseToReplace(key, keys);
            CliFiles.outputDirectory("--dir", dir);
            InferenceClient c = InferenceClient.generate(m);
            EvaluationKeys k = c.evaluationKeys();
            // each file is written beside its place and moved there atomically: a crash or a full disk leaves the old
            // file or none, never half a key
            Path keyTmp = temporary(key);
            Path keysTmp = temporary(keys);
            try {
                c.writeSecretKey(keyTmp);
                CiphertextFiles.writeKeys(keysTmp, m.ckksParameters(), k);
                refuseToReplace(key, keys); // another keygen may have written them meanwhile
                java.nio.file.Files.move(keysTmp, keys, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                java.nio.file.Files.move(keyTmp, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                java.nio.file.Files.deleteIfExists(keyTmp);
                java.nio.file.Files.deleteIfExists(keysTmp);
            }
            spec.commandLine().getOut().printf("wrote %s (secret, client only) and %s (%d bytes, for the server)%n",
                    key, keys, Files.size(keys));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }

        /** Without {@code --force}, existing key files are an error (their secret key would be lost). */
        private void refuseToReplace(Path... files) {
            for (Path f : files) {
                if (!force && Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalArgumentException(f + ": already exists; keygen does not replace keys (results"
                            + " encrypted for the old key could no longer be decrypted): pass --force to replace"
                            + " them, or choose another --dir");
                }
            }
        }

        /** A name beside {@code file} that does not exist yet (the writers create their file). */
        private static Path temporary(Path file) {
            return file.resolveSibling("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        }
    }

    /** {@code henas infer encrypt}: client encryption of test images. */
    @Command(name = "encrypt", mixinStandardHelpOptions = true,
            description = "Client: encrypt the first N test images into a ciphertext file (a batch-packed model: one"
                    + " batch of N <= N/2 images, one per slot).")
    static final class Encrypt implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "FILE.henas")
        Path model;
        @Option(names = "--key", required = true, description = "client.key from keygen.")
        Path key;
        @Option(names = "--images", defaultValue = "1")
        int images;
        @Option(names = "--data")
        Path data;
        @Option(names = "--out", required = true)
        Path out;

        @Override
        public Integer call() throws IOException {
            ExportedModel m = ExportedModel.read(model);
            InferenceClient c = InferenceClient.load(m, key);
            Dataset d = testData(m, data);
            if (m.plan().packing().batch()) {
                int max = Math.min(m.plan().slots(), d.size());
                if (images < 1 || images > max) {
                    throw new IllegalArgumentException("--images must be in [1, " + max + "] (one batch: N/2 = "
                            + m.plan().slots() + " slots, " + d.size() + " test images), but was " + images);
                }
                double[][] x = new double[images][];
                for (int i = 0; i < images; i++) {
                    x[i] = d.image(i);
                }
                List<Ciphertext> cts = c.encryptBatch(x);
                CiphertextFiles.writeBatch(out, m.ckksParameters(), new CiphertextFiles.Batch(images, cts));
                spec.commandLine().getOut().printf("wrote %d image(s) as one encrypted batch of %d ciphertexts to %s"
                        + " (%d bytes)%n", images, cts.size(), out, Files.size(out));
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }
            if (images < 1 || images > d.size()) {
                throw new IllegalArgumentException("--images must be in [1, " + d.size() + "], but was " + images);
            }
            List<List<Ciphertext>> cts = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                cts.add(c.encrypt(d.image(i)));
            }
            CiphertextFiles.write(out, m.ckksParameters(), cts);
            spec.commandLine().getOut().printf("wrote %d encrypted image(s) to %s (%d bytes)%n", images, out,
                    Files.size(out));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code henas infer eval}: the server. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Server: evaluate the model on encrypted images with the evaluation keys only.")
    static final class Eval implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "FILE.henas")
        Path model;
        @Option(names = "--keys", required = true, description = "eval.keys from keygen.")
        Path keys;
        @Option(names = "--in", required = true)
        Path in;
        @Option(names = "--out", required = true)
        Path out;
        @Option(names = "--threads", defaultValue = "1")
        int threads;

        @Override
        public Integer call() throws IOException {
            ExportedModel m = ExportedModel.read(model);
            EvaluationKeys k = CiphertextFiles.readKeys(keys, m.ckksParameters());
            PrintWriter w = spec.commandLine().getOut();
            if (m.plan().packing().batch()) {
                CiphertextFiles.Batch b = CiphertextFiles.readBatch(in, m.ckksParameters());
                InferenceServer.Evaluation e;
                try (InferenceServer s = new InferenceServer(m, k, threads)) {
                    e = s.evaluate(b.ciphertexts());
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException(in + ": the batch: " + bad.getMessage(), bad);
                }
                CiphertextFiles.writeBatch(out, m.ckksParameters(), new CiphertextFiles.Batch(b.images(),
                        e.outputs()));
                w.printf(java.util.Locale.ROOT, "batch of %d image(s): %.3f s (%.1f images/s), %s%nwrote the encrypted"
                        + " batch result to %s%n", b.images(), e.seconds(), b.images() / e.seconds(), e.counts(), out);
                w.flush();
                return ExitCodes.OK;
            }
            List<List<Ciphertext>> inputs = CiphertextFiles.read(in, m.ckksParameters());
            List<List<Ciphertext>> outputs = new ArrayList<>();
            try (InferenceServer s = new InferenceServer(m, k, threads)) {
                for (int i = 0; i < inputs.size(); i++) {
                    InferenceServer.Evaluation e;
                    try {
                        e = s.evaluate(inputs.get(i));
                    } catch (IllegalArgumentException bad) {
                        throw new IllegalArgumentException(in + ": image " + i + ": " + bad.getMessage(), bad);
                    }
                    outputs.add(e.outputs());
                    w.printf("image %d: %.3f s, %s%n", i + 1, e.seconds(), e.counts());
                    w.flush();
                }
            }
            CiphertextFiles.write(out, m.ckksParameters(), outputs);
            w.printf("wrote %d encrypted result(s) to %s%n", outputs.size(), out);
            w.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code henas infer decrypt}: client decryption. */
    @Command(name = "decrypt", mixinStandardHelpOptions = true,
            description = "Client: decrypt the server's results; prints the predicted classes (and the accuracy"
                    + " against the first test labels).")
    static final class Decrypt implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "FILE.henas")
        Path model;
        @Option(names = "--key", required = true)
        Path key;
        @Option(names = "--in", required = true)
        Path in;
        @Option(names = "--data")
        Path data;
        @Option(names = "--json")
        Path json;

        @Override
        public Integer call() throws IOException {
            CliFiles.outputFile("--json", json);
            ExportedModel m = ExportedModel.read(model);
            InferenceClient c = InferenceClient.load(m, key);
            double[][] all;
            if (m.plan().packing().batch()) {
                CiphertextFiles.Batch b = CiphertextFiles.readBatch(in, m.ckksParameters());
                checkResult(in, 0, b.ciphertexts(), m);
                all = c.decryptBatch(b.ciphertexts(), b.images());
            } else {
                List<List<Ciphertext>> outputs = CiphertextFiles.read(in, m.ckksParameters());
                all = new double[outputs.size()][];
                for (int i = 0; i < outputs.size(); i++) {
                    checkResult(in, i, outputs.get(i), m);
                    all[i] = c.decrypt(outputs.get(i));
                }
            }
            List<double[]> outputs = List.of(all);
            Dataset d = testData(m, data);
            List<Object> preds = new ArrayList<>();
            int correct = 0;
            PrintWriter w = spec.commandLine().getOut();
            for (int i = 0; i < outputs.size(); i++) {
                double[] logits = outputs.get(i);
                int p = InferenceClient.argmax(logits);
                int label = i < d.size() ? d.label(i) : -1;
                correct += p == label ? 1 : 0;
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("image", i);
                e.put("prediction", p);
                e.put("label", label);
                e.put("logits", java.util.Arrays.stream(logits).boxed().toList());
                preds.add(e);
                w.printf("image %d: class %d (label %d)%n", i + 1, p, label);
            }
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("packing", m.plan().packing().batch() ? "batch" : "single");
            j.put("images", outputs.size());
            j.put("encrypted_accuracy", outputs.isEmpty() ? null : correct / (double) outputs.size());
            j.put("predictions", preds);
            w.printf("accuracy %d/%d%n", correct, outputs.size());
            w.flush();
            if (json != null) {
                Json.writeFile(json, j);
            }
            return ExitCodes.OK;
        }
    }
}
