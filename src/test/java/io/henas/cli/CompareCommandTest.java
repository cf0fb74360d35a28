package io.henas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code henas compare} and {@code henas bench plan} from the command line. */
class CompareCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static final String TINY = io.henas.compare.CompareFixtures.TINY_CIFAR;

    @Test
    void compareWritesTheTableAndResults() throws IOException {
        Files.writeString(dir.resolve("tiny.yaml"), TINY);
        Files.writeString(dir.resolve("exp.yaml"), """
                name: cli-compare
                rows:
                  - {name: base, role: baseline, architecture: tiny.yaml, merge: off}
                  - {name: merged, role: variant, architecture: tiny.yaml, merge: on}
                """);
        Run r = run("compare", dir.resolve("exp.yaml").toString(), "--skip-measure", "--skip-train", "--calibrate",
                "never", "--cache", dir.resolve("none.json").toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| merged | variant | on | 3 | 13 |"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("out/results.json")));
        assertTrue(Files.isRegularFile(dir.resolve("out/latency.png")));
    }

    @Test
    void aBadExperimentIsExitCode2WithFileAndLine() throws IOException {
        Files.writeString(dir.resolve("tiny.yaml"), TINY);
        Files.writeString(dir.resolve("exp.yaml"), "name: bad\nrows:\n  - {name: a, role: boss, architecture: tiny.yaml}\n");
        Run r = run("compare", dir.resolve("exp.yaml").toString(), "--skip-measure");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("exp.yaml:3: rows[0].role must be one of [baseline, variant, searched], but was"
                + " 'boss'"), r.err());
    }

    @Test
    void benchPlanMeasuresATinyNetAtAnInsecureRing() throws IOException {
        Files.writeString(dir.resolve("tiny.yaml"), TINY);
        Path json = dir.resolve("plan.json");
        Run r = run("bench", "plan", dir.resolve("tiny.yaml").toString(), "--insecure-logn", "12", "--layerwise",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("layerwise, logN 12"), r.out());
        assertTrue(r.out().contains("operation counts equal the cost model's"), r.out());
        assertTrue(Files.readString(json).contains("\"segments\""));
    }
}
