package io.henas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.he.TestNets;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.Shape;
import io.henas.ir.Json;
import io.henas.train.FoldedNet;
import io.henas.train.TrainOutput;
import io.henas.train.WeightsJson;

/** {@code henas export} from a train output directory, then {@code henas infer} in simulation, encrypted and split. */
class ExportInferCommandTest {
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

    /** A fake train output: a tiny random-weight 28 x 28 net (accuracy near chance, which is all we need). */
    private Path trainDir() throws IOException {
        Architecture a = new Architecture("tiny", new Shape(1, 28, 28), 10, List.of(
                new Layer.Conv(2, 3, 2), new Layer.Activation(ActivationKind.SQUARE), new Layer.AvgPool(2),
                new Layer.Dense(10)));
        LoweredNet net = a.lower();
        Path d = Files.createDirectories(dir.resolve("train-out"));
        WeightsJson.write(d.resolve(TrainOutput.FOLDED), new FoldedNet(net, TestNets.randomWeights(net, 3), List.of()));
        // metrics with the camelCase keys henas wrote before snake_case: readers of run directories stay tolerant
        Json.writeFile(d.resolve(TrainOutput.METRICS), Map.of("status", "OK", "architecture", "tiny",
                "trainAccuracy", 0.1, "testAccuracy", 0.1, "trainData", "t", "evalData", "e",
                "config", Map.of("seed", 5)));
        Files.write(d.resolve(TrainOutput.MODEL), new byte[]{9, 9});
        return d;
    }

    /** A calibration cache of the test's own, so no test reads or writes the user's ~/.cache/henas. */
    private Path cache() {
        return dir.resolve("calibration.json");
    }

    /**
     * {@code infer --encrypted --calibrate} on an empty cache calibrates between shares of the images (slow: a real
     * calibration of the model's shape) and predicts from what it measured; the cache is written.
     */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void encryptedInferCalibratesBetweenItsImages() throws IOException {
        Path model = dir.resolve("cal.henas");
        assertEquals(0, run("export", trainDir().toString(), "--out", model.toString()).code());
        Path cal = dir.resolve("fresh-cache.json");
        Path out = dir.resolve("cal-run.json");
        Run r = run("infer", model.toString(), "--encrypted", "--images", "9", "--threads", "2", "--calibrate",
                "--calibration", cal.toString(), "--json", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(cal), "the calibration is cached");
        Map<String, Object> k = Json.asObject(Json.readFile(out), "run");
        assertEquals(9L, k.get("images"));
        assertEquals(1.0, ((Number) k.get("agreement")).doubleValue());
        assertTrue(k.get("predicted_latency_s") instanceof Number p && p.doubleValue() > 0, k.toString());
        assertEquals(true, k.get("counts_match_cost_model"));
    }

    @Test
    void exportThenInferInSimulationAndEncrypted() throws IOException {
        Path model = dir.resolve("tiny.henas");
        Run e = run("export", trainDir().toString(), "--out", model.toString(), "--commit", "abc");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("exported tiny"), e.out());
        Path sim = dir.resolve("sim.json");
        Run s = run("infer", model.toString(), "--images", "20", "--json", sim.toString(), "--quiet",
                "--calibration", cache().toString());
        assertEquals(0, s.code(), s.err());
        Map<String, Object> j = Json.asObject(Json.readFile(sim), "sim");
        assertEquals(20L, j.get("images"));
        assertTrue(j.get("plain_accuracy") instanceof Number, j.toString());
        Path enc = dir.resolve("enc.json");
        Run r = run("infer", model.toString(), "--encrypted", "--images", "1", "--threads", "2", "--quiet",
                "--json", enc.toString(), "--calibration", cache().toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> k = Json.asObject(Json.readFile(enc), "enc");
        for (String key : new String[]{"images", "plain_accuracy", "encrypted_accuracy", "agreement",
                "max_rel_logit_error", "latency_s_median", "predicted_latency_s", "log_n", "log_qp", "security_bits",
                "galois_key_bytes", "ciphertext_bytes"}) {
            assertTrue(k.containsKey(key), key + " missing: " + k);
        }
        assertEquals(1.0, ((Number) k.get("agreement")).doubleValue());
        assertEquals(true, k.get("counts_match_cost_model"));
        assertTrue(((Number) k.get("security_bits")).doubleValue() >= 128);
        // per op code: the plan's instruction counts, each with its measured seconds (and the predicted ones)
        Map<String, Object> ops = Json.asObject(k.get("op_seconds"), "op_seconds");
        assertTrue(ops.containsKey("rotate") || ops.containsKey("mul_plain"), ops.toString());
        long instructions = 0;
        double measured = 0;
        for (Object o : ops.values()) {
            Map<String, Object> t = Json.asObject(o, "op");
            instructions += ((Number) t.get("count")).longValue();
            measured += ((Number) t.get("measured_s")).doubleValue();
            assertTrue(t.containsKey("predicted_s"), t.toString());
        }
        assertTrue(instructions > 0, ops.toString());
        double latency = ((Number) k.get("latency_s_median")).doubleValue();
        assertTrue(measured > 0 && measured <= latency * 1.01 + 1e-3, "op seconds " + measured + " vs latency "
                + latency);
    }

    /**
     * {@code henas cost} of a trained model costs the plan its export ships: the same calibration images and
     * selection, so {@code plan_fingerprint} equals the exported model's in {@code henas infer --json}; an untrained
     * architecture.yaml copied out of the directory is costed under the defaults instead.
     */
    @Test
    void costOfATrainedModelIsThePlanItsExportShips() throws IOException {
        Path train = trainDir();
        Path model = dir.resolve("tiny.henas");
        assertEquals(0, run("export", train.toString(), "--out", model.toString()).code());
        Path sim = dir.resolve("sim.json");
        Run s = run("infer", model.toString(), "--images", "2", "--json", sim.toString(), "--quiet",
                "--calibration", cache().toString());
        assertEquals(0, s.code(), s.err());
        Object shipped = Json.asObject(Json.readFile(sim), "sim").get("plan_fingerprint");
        Path cost = dir.resolve("cost.json");
        Run c = run("cost", train.toString(), "--json", cost.toString(), "--calibrate", "never", "--cache",
                cache().toString());
        assertEquals(0, c.code(), c.err());
        Map<String, Object> j = Json.asObject(Json.readFile(cost), "cost");
        assertEquals(shipped, j.get("plan_fingerprint"), j.toString());
        assertEquals("calibrated", j.get("selection"));
        assertEquals(train.toString(), j.get("trained_model"));

        Run ref = run("cost", train.toString(), "--reference", "x", "--calibrate", "never");
        assertEquals(2, ref.code(), ref.err());
        assertTrue(ref.err().contains("trained model"), ref.err());
    }

    @Test
    void batchExportThenEncryptedBatchInferenceAndClearErrorsElsewhere() throws IOException {
        Path model = dir.resolve("tiny-batch.henas");
        Run e = run("export", trainDir().toString(), "--out", model.toString(), "--commit", "abc", "--packing", "batch",
                "--calibration-images", "2");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("0 Galois keys"), e.out());
        Path enc = dir.resolve("batch.json");
        Run r = run("infer", model.toString(), "--encrypted", "--batch", "--images", "8", "--threads", "2",
                "--json", enc.toString(), "--calibration", cache().toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> k = Json.asObject(Json.readFile(enc), "batch");
        for (String key : new String[]{"images", "batch_latency_s", "images_per_second", "encrypted_accuracy",
                "agreement", "predicted_batch_latency_s", "log_n", "security_bits", "peak_memory_bytes"}) {
            assertTrue(k.containsKey(key), key + " missing: " + k);
        }
        assertEquals(8L, k.get("images"));
        assertEquals(1.0, ((Number) k.get("agreement")).doubleValue());
        assertEquals(true, k.get("counts_match_plan"));
        assertTrue(((Number) k.get("security_bits")).doubleValue() >= 128);
        assertTrue(((Number) k.get("max_relative_logit_error")).doubleValue() < 1e-2, k.toString());
        // without --images a batch run takes a full batch: N/2 images, or the whole test set if smaller (the
        // shipped subset has 1,000 test images, the installed dataset 10,000)
        Path full = dir.resolve("full.json");
        Run f = run("infer", model.toString(), "--encrypted", "--batch", "--threads", "2", "--json", full.toString(),
                "--calibration", cache().toString());
        assertEquals(0, f.code(), f.err());
        Map<String, Object> fj = Json.asObject(Json.readFile(full), "full");
        long half = 1L << (((Number) fj.get("log_n")).intValue() - 1);
        long n = ((Number) fj.get("images")).longValue();
        assertTrue(n == half || n == Math.min(half, 1000), n + " images, N/2 = " + half);
        assertEquals(1.0, ((Number) fj.get("agreement")).doubleValue());
        // the plaintext simulation runs the batch plan (one run for all images)
        assertEquals(0, run("infer", model.toString(), "--images", "5", "--quiet", "--calibration",
                cache().toString()).code());
        // single-image paths name the batch packing instead of running 784 ciphertexts per image
        Run single = run("infer", model.toString(), "--encrypted", "--images", "1", "--calibration", cache().toString());
        assertEquals(2, single.code());
        assertTrue(single.err().contains("--encrypted --batch"), single.err());
        // the file roles: one batch file of 6 images, evaluated by the server, decrypted per image
        Run keys = run("infer", "keygen", model.toString(), "--dir", dir.resolve("k").toString());
        assertEquals(0, keys.code(), keys.err());
        Path in = dir.resolve("x.ct");
        Run encFile = run("infer", "encrypt", model.toString(), "--key", dir.resolve("k/client.key").toString(),
                "--images", "6", "--out", in.toString());
        assertEquals(0, encFile.code(), encFile.err());
        assertTrue(encFile.out().contains("wrote 6 image(s) as one encrypted batch"), encFile.out());
        Path out = dir.resolve("y.ct");
        Run ev = run("infer", "eval", model.toString(), "--keys", dir.resolve("k/eval.keys").toString(), "--in",
                in.toString(), "--out", out.toString());
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("batch of 6 image(s)"), ev.out());
        Path res = dir.resolve("res.json");
        Run de = run("infer", "decrypt", model.toString(), "--key", dir.resolve("k/client.key").toString(), "--in",
                out.toString(), "--json", res.toString());
        assertEquals(0, de.code(), de.err());
        Map<String, Object> j = Json.asObject(Json.readFile(res), "res");
        assertEquals(6L, j.get("images"));
        assertEquals("batch", j.get("packing"));
        Path sim = dir.resolve("sim6.json");
        assertEquals(0, run("infer", model.toString(), "--images", "6", "--quiet", "--json", sim.toString(),
                "--calibration", cache().toString()).code());
        assertEquals(((Number) Json.asObject(Json.readFile(sim), "sim").get("plain_accuracy")).doubleValue(),
                ((Number) j.get("encrypted_accuracy")).doubleValue(), "the split roles predict as the simulation");
        // a per-image file is not a batch file, and a batch may not exceed N/2 images
        Run wrong = run("infer", "eval", model.toString(), "--keys", dir.resolve("k/eval.keys").toString(), "--in",
                res.toString(), "--out", dir.resolve("z.ct").toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("must start with HENAS-CT-BATCH-V1"), wrong.err());
        Run tooMany = run("infer", "encrypt", model.toString(), "--key", dir.resolve("k/client.key").toString(),
                "--images", "100000", "--out", dir.resolve("w.ct").toString());
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("--images must be in [1, "), tooMany.err());
        Run bad = run("export", trainDir().toString(), "--out", dir.resolve("y.henas").toString(), "--packing", "wide");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--packing must be single or batch"), bad.err());
    }

    @Test
    void rolesRunSeparatelyThroughFiles() throws IOException {
        Path model = dir.resolve("tiny.henas");
        assertEquals(0, run("export", trainDir().toString(), "--out", model.toString()).code());
        Path keys = dir.resolve("keys");
        Run k = run("infer", "keygen", model.toString(), "--dir", keys.toString());
        assertEquals(0, k.code(), k.err());
        assertEquals(List.of("client.key", "eval.keys"), names(keys), "only the key files, no temporary left");
        // keys are never replaced silently; --force replaces both (atomically: still exactly the two files)
        byte[] secret = Files.readAllBytes(keys.resolve("client.key"));
        Run again = run("infer", "keygen", model.toString(), "--dir", keys.toString());
        assertEquals(ExitCodes.BAD_INPUT, again.code());
        assertTrue(again.err().contains(keys.resolve("client.key") + ": already exists"), again.err());
        assertArrayEquals(secret, Files.readAllBytes(keys.resolve("client.key")));
        Run forced = run("infer", "keygen", model.toString(), "--dir", keys.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertFalse(java.util.Arrays.equals(secret, Files.readAllBytes(keys.resolve("client.key"))));
        assertEquals(List.of("client.key", "eval.keys"), names(keys));
        if (Files.getFileStore(keys).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(keys.resolve("client.key"))));
        }
        Path in = dir.resolve("in.ct");
        Run en = run("infer", "encrypt", model.toString(), "--key", keys.resolve("client.key").toString(),
                "--images", "2", "--out", in.toString());
        assertEquals(0, en.code(), en.err());
        Path out = dir.resolve("out.ct");
        Run ev = run("infer", "eval", model.toString(), "--keys", keys.resolve("eval.keys").toString(), "--in",
                in.toString(), "--out", out.toString());
        assertEquals(0, ev.code(), ev.err());
        Path res = dir.resolve("res.json");
        Run de = run("infer", "decrypt", model.toString(), "--key", keys.resolve("client.key").toString(), "--in",
                out.toString(), "--json", res.toString());
        assertEquals(0, de.code(), de.err());
        Map<String, Object> j = Json.asObject(Json.readFile(res), "res");
        assertEquals(2L, j.get("images"));
        // the split roles predict what the simulation predicts
        Path sim = dir.resolve("sim.json");
        assertEquals(0, run("infer", model.toString(), "--images", "2", "--quiet", "--json", sim.toString(),
                "--calibration", cache().toString()).code());
        assertEquals(((Number) Json.asObject(Json.readFile(sim), "sim").get("plain_accuracy")).doubleValue(),
                ((Number) j.get("encrypted_accuracy")).doubleValue());
    }

    @Test
    void badSourcesAndTamperedModelsAreBadInput() throws IOException {
        Run r = run("export", dir.toString(), "--out", dir.resolve("x.henas").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("train output directory"), r.err());
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("pareto.json"), "{}");
        Run k = run("export", run.toString(), "--out", dir.resolve("x.henas").toString());
        assertEquals(ExitCodes.BAD_INPUT, k.code());
        assertTrue(k.err().contains("knee"), k.err());
        Path bad = dir.resolve("bad.henas");
        Files.writeString(bad, "not a model");
        Run i = run("infer", bad.toString(), "--images", "1");
        assertEquals(ExitCodes.BAD_INPUT, i.code());
    }

    /** The sorted file names in {@code d} (hidden ones included). */
    private static List<String> names(Path d) throws IOException {
        try (var files = Files.list(d)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
