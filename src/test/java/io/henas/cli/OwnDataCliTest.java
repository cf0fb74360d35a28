package io.henas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.henas.data.DataSpec;
import io.henas.data.TinyData;
import io.henas.export.ExportedModel;
import io.henas.ir.Json;
import io.henas.space.SpaceLoader;

/**
 * The done-when on generated data: {@code henas train ARCH.yaml --data DIR --epochs 1 --out OUT}, then
 * {@code henas export OUT --out M.henas} and {@code henas infer M.henas --data DIR --images 5 --json F}, for
 * CIFAR-10 binary, both NumPy archives and an image folder (three-channel inputs throughout).
 */
class OwnDataCliTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws Exception {
        TinyData.writeAll(dir);
    }

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

    @ParameterizedTest
    @CsvSource({"cifar10, 10", "npz-u8, 4", "npz-f32, 4", "folder, 3"})
    void trainExportAndInferOnGeneratedData(String set, int classes) throws Exception {
        Path yaml = dir.resolve(set + ".yaml");
        Path data = dir.resolve(set);
        Path out = dir.resolve("out-" + set);
        Run t = run("train", yaml.toString(), "--data", data.toString(), "--epochs", "1", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        Map<String, Object> metrics = Json.asObject(Json.readFile(out.resolve("metrics.json")), "metrics");
        double acc = ((Number) metrics.get("test_accuracy")).doubleValue();
        assertTrue(acc > 1.0 / classes + 0.1, set + ": one epoch must learn above chance (1/" + classes + "), but"
                + " test accuracy was " + acc);
        DataSpec declared = CliData.spec(SpaceLoader.load(yaml).datasetInfo());
        assertEquals(declared, CliData.readSpec(out).orElseThrow());

        Path model = dir.resolve(set + ".henas");
        Run e = run("export", out.toString(), "--out", model.toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("exported "), e.out());
        ExportedModel m = ExportedModel.read(model);
        assertEquals(declared, DataSpec.fromJson(m.manifest().get(DataSpec.MANIFEST_KEY), "manifest"),
                "the model carries the declared dataset and preprocessing");
        assertEquals(declared, CliData.spec(m));

        io.henas.data.Dataset raw = CliData.load(declared, data).test();
        io.henas.data.Dataset seen = CliData.testData(m, data);
        org.junit.jupiter.api.Assertions.assertArrayEquals(declared.preprocessing().apply(raw.image(3), raw.channels()),
                seen.image(3), 1e-6, "infer preprocesses the test images as training did");
        if (!declared.preprocessing().isIdentity()) {
            assertTrue(!java.util.Arrays.equals(raw.image(3), seen.image(3)), "preprocessing changed the values");
        }
        Path json = dir.resolve(set + "-infer.json");
        Run i = run("infer", model.toString(), "--data", data.toString(), "--images", "5", "--json", json.toString());
        assertEquals(0, i.code(), i.err());
        Map<String, Object> r = Json.asObject(Json.readFile(json), "infer");
        assertEquals(5L, r.get("images"));
        double plain = ((Number) r.get("plain_accuracy")).doubleValue();
        assertTrue(plain >= 0 && plain <= 1, "plain accuracy " + plain);

        if (set.equals("npz-u8")) {
            Path enc = dir.resolve(set + "-encrypted.json");
            Run x = run("infer", model.toString(), "--data", data.toString(), "--images", "1", "--encrypted",
                    "--quiet", "--json", enc.toString());
            assertEquals(0, x.code(), x.err());
            Map<String, Object> er = Json.asObject(Json.readFile(enc), "encrypted");
            assertTrue(er.get("encrypted_accuracy") instanceof Number, "three-channel input under CKKS: " + er);
            assertTrue(((Number) er.get("max_rel_logit_error")).doubleValue() < 1e-3, "logits agree: " + er);
        }

        Path reexported = dir.resolve(set + "-again.henas");
        Run re = run("export", model.toString(), "--out", reexported.toString(), "--data", data.toString());
        assertEquals(0, re.code(), re.err());
        assertEquals(declared, CliData.spec(ExportedModel.read(reexported)), "re-export keeps the input section");
        assertTrue(Files.size(reexported) > 0);
    }
}
