package io.henas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.search.GenerationStats;
import io.henas.search.TrialStore;

/** {@code --resume} of a finished run says so and does nothing; the run directory's lock is released after use. */
class SearchRunDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void resumingAFinishedRunSaysSoAndChangesNothing() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        try (TrialStore t = TrialStore.open(run.resolve("trials.db"))) {
            t.putMeta("seed", "1");
            t.putMeta("population", "4");
            t.putMeta("generations", "2");
            for (int g = 1; g <= 2; g++) {
                t.putGeneration(new GenerationStats(g, 2, 1, 0.5, 0.1, 4, 0, 0, false, Duration.ofSeconds(1)));
            }
        }
        Files.writeString(run.resolve("pareto.json"), "{}");
        Files.writeString(run.resolve("manifest.json"), "{\"status\": \"finished\"}");
        long before = Files.getLastModifiedTime(run.resolve("trials.db")).toMillis();
        java.io.ByteArrayOutputStream errBytes = new java.io.ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        StringWriter out = new StringWriter();
        try {
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            picocli.CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            code = Main.run(cl, "search", Path.of("search-spaces", "fashion-cnn.yaml").toString(), "--resume", "--out",
                    run.toString(), "--no-knee", "--generations", "2");
        } finally {
            System.setErr(old);
        }
        String err = errBytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err);
        assertTrue(err.contains("already finished"), err);
        assertTrue(out.toString().contains("results: "), out.toString());
        assertEquals(before, Files.getLastModifiedTime(run.resolve("trials.db")).toMillis());
        // the lock was released: a second use of the directory is not refused as busy
        try (var l = io.henas.search.RunDirectoryLock.acquire(run)) {
            assertTrue(Files.readString(run.resolve(io.henas.search.RunDirectoryLock.FILE))
                    .contains("pid " + ProcessHandle.current().pid()));
        }
    }

    @Test
    void anOutDirectoryWhoseParentIsMissingIsExitTwoNamingTheParentAndCreatesNothing() throws Exception {
        Path missing = dir.resolve("no-such-parent");
        java.io.ByteArrayOutputStream errBytes = new java.io.ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            picocli.CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(new StringWriter()));
            code = Main.run(cl, "search", Path.of("search-spaces", "fashion-cnn.yaml").toString(), "--out",
                    missing.resolve("run").toString(), "--no-knee", "--generations", "1");
        } finally {
            System.setErr(old);
        }
        String err = errBytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, err);
        assertTrue(err.contains(missing.toString()) && err.contains("must exist"), err);
        assertTrue(!Files.exists(missing), "created " + missing);
    }
}
