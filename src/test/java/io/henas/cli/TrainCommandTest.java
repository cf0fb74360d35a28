package io.henas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.data.Dataset;
import io.henas.data.Datasets;
import io.henas.data.Idx;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;
import io.henas.space.SpaceWriter;
import picocli.CommandLine;

class TrainCommandTest {
    @TempDir
    Path tmp;

    private static void writeSplit(Path dir, String prefix, Dataset d) throws IOException {
        Idx.writeImagesGz(dir.resolve(prefix + "-images-idx3-ubyte.gz"), d.toIdxImages());
        Idx.writeLabelsGz(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), d.labelBytes());
    }

    @Test
    void trainsAFixedSpaceFileAndWritesTheOutputs() throws IOException {
        var shipped = Datasets.shippedSubset();
        Path data = Files.createDirectories(tmp.resolve("data"));
        writeSplit(data, "train", shipped.train().stratified("t", 20, 1));
        writeSplit(data, "t10k", shipped.test().stratified("e", 5, 1));
        Architecture a = new Architecture("cli-tiny", new Shape(1, 28, 28), 10, List.of(new Layer.Conv(4, 3, 2),
                new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2), new Layer.AvgPool(2),
                new Layer.Dense(10)));
        Path yaml = tmp.resolve("tiny.yaml");
        Files.writeString(yaml, SpaceWriter.fixedYaml(a, "fashion-mnist"));
        Path out = tmp.resolve("out");

        CommandLine cl = Main.commandLine();
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        cl.setOut(new PrintWriter(so));
        cl.setErr(new PrintWriter(se));
        int code = cl.execute("train", yaml.toString(), "--epochs", "1", "--data", data.toString(), "--out",
                out.toString());
        assertEquals(0, code, se.toString());
        assertTrue(so.toString().startsWith("cli-tiny OK train_acc="), so.toString());
        assertTrue(se.toString().contains("on 200 images for 1 epochs, evaluating on 50"), se.toString());
        assertTrue(se.toString().contains("epoch 1/1"), se.toString());
        for (String f : new String[]{"model.zip", "weights.json", "folded-weights.json", "metrics.json"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    @Test
    void aSpaceWithChoicesIsBadInput() {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        StringWriter se = new StringWriter();
        cl.setErr(new PrintWriter(se));
        int code = cl.execute("train", "search-spaces/quickstart.yaml", "--out", tmp.toString());
        assertEquals(ExitCodes.BAD_INPUT, code);
    }

    /** --out DIR creates only DIR (as search --out does): a missing parent or a file is exit 2 before any training. */
    @Test
    void outCreatesOnlyItsOwnDirectory() throws IOException {
        Architecture a = new Architecture("cli-tiny", new Shape(1, 28, 28), 10, List.of(new Layer.Conv(4, 3, 2),
                new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2), new Layer.AvgPool(2),
                new Layer.Dense(10)));
        Path yaml = tmp.resolve("tiny.yaml");
        Files.writeString(yaml, SpaceWriter.fixedYaml(a, "fashion-mnist"));
        CommandLine cl = Main.commandLine();
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        cl.setOut(new PrintWriter(so));
        cl.setErr(new PrintWriter(se));
        Path deep = tmp.resolve("no").resolve("such").resolve("out");
        assertEquals(ExitCodes.BAD_INPUT, cl.execute("train", yaml.toString(), "--out", deep.toString()));
        assertTrue(se.toString().contains("--out " + deep + ": the directory " + deep.getParent().toAbsolutePath()
                + " must exist, but does not (create it first)"), se.toString());
        assertFalse(Files.exists(tmp.resolve("no")), "no parent directory may be created");
        assertFalse(se.toString().contains("training "), "the check comes before any training: " + se);

        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertEquals(ExitCodes.BAD_INPUT, cl.execute("train", yaml.toString(), "--out", file.toString()));
        assertTrue(se.toString().contains("--out " + file + ": must be a directory, but is a file"), se.toString());
        assertEquals("", so.toString());
    }

    /** --run RUN --pick ID writes the trial's architecture (decoded from trials.db) and refuses another space's run. */
    @Test
    void picksATrialOfARun() throws IOException {
        Path spaceFile = Path.of("search-spaces/quickstart.yaml");
        io.henas.space.SearchSpace space = io.henas.space.SpaceLoader.load(spaceFile);
        Path run = Files.createDirectories(tmp.resolve("run"));
        int[] genes = new int[space.genes().size()];
        java.util.Arrays.fill(genes, 1);
        Architecture want = space.decode(genes);
        io.henas.search.TrialStore store = io.henas.search.TrialStore.open(run.resolve("trials.db"));
        store.insert(new io.henas.search.Trial(7, 1, false, java.util.Arrays.stream(genes).boxed().toList(),
                io.henas.space.SearchSpace.canonicalKey(want),
                want.name(), "", io.henas.search.Evaluation.ok(0.8, 1.0, 5, 14, 3.0), java.time.Instant.now(),
                java.time.Instant.now()));
        store.close();
        Files.writeString(run.resolve("manifest.json"), "{\"space_sha256\": \"" + space.sha256() + "\"}");

        CommandLine cl = Main.commandLine();
        StringWriter se = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(se));
        int code = cl.execute("train", spaceFile.toString(), "--run", run.toString(), "--pick", "7",
                "--architecture-only");
        assertEquals(0, code, se.toString());
        Path yaml = run.resolve("trained/7/architecture.yaml");
        Architecture got = io.henas.space.SpaceLoader.parse(Files.readString(yaml), yaml.toString()).fixed();
        assertEquals(want.lower().nodes().size(), got.lower().nodes().size());
        assertEquals(io.henas.space.SearchSpace.canonicalKey(want), io.henas.space.SearchSpace.canonicalKey(got));

        assertEquals(2, cl.execute("train", spaceFile.toString(), "--run", run.toString(), "--pick", "8",
                "--architecture-only"));
        assertTrue(se.toString().contains("no trial 8"), se.toString());
        assertEquals(2, cl.execute("train", "search-spaces/fashion-mobile.yaml", "--run", run.toString(), "--pick",
                "7", "--architecture-only"));
        assertTrue(se.toString().contains("was searched over a space with sha256"), se.toString());

        // the run's space with another full-training recipe: another file, the same decoding -> used, with a note
        Path changed = Files.writeString(tmp.resolve("quickstart-longer.yaml"), Files.readString(spaceFile)
                .replace("  full:                         # the knee model: one pass over 20,000 images\n    epochs: 1",
                        "  full:\n    epochs: 12\n    weight_decay: 0.01"));
        Files.delete(yaml);
        assertEquals(0, cl.execute("train", changed.toString(), "--run", run.toString(), "--pick", "7",
                "--architecture-only"), se.toString());
        assertTrue(se.toString().contains("decodes trial 7 to the run's architecture"), se.toString());
        got = io.henas.space.SpaceLoader.parse(Files.readString(yaml), yaml.toString()).fixed();
        assertEquals(io.henas.space.SearchSpace.canonicalKey(want), io.henas.space.SearchSpace.canonicalKey(got));
    }
}
