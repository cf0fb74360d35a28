package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Determinism for a seed, and resume after a crash or {@code kill -9}: nothing lost, nothing repeated. */
class SearchResumeTest {
    static final long SEED = 7L;

    @TempDir
    Path dir;

    static Zdt space() {
        return new Zdt(11, 6, 5, true, true);
    }

    static SearchConfig config(Path out, long seed, boolean resume) {
        return SearchConfig.builder(out).population(16).generations(12).seed(seed).threads(2).resume(resume).build();
    }

    /** What must be equal between runs: everything but timestamps. */
    static List<String> fingerprint(List<Trial> trials) {
        return trials.stream().map(t -> t.id() + "|" + t.generation() + "|" + t.key() + "|" + t.evaluation()).toList();
    }

    /** Dies (like a killed JVM would) after {@code limit} finished evaluations. */
    static final class Crash extends Error {
        Crash() {
            super("simulated crash");
        }
    }

    @Test
    void theSameSeedGivesTheSameCandidatesWhateverTheThreadsAndAnotherSeedDoesNot() throws Exception {
        Zdt zdt = space();
        SearchResult a = SearchRunner.run(zdt, zdt.new Evaluator(0), config(dir.resolve("a"), SEED, false),
                ProgressListener.NONE);
        // one evaluation thread instead of two, and slower evaluations that finish in another order
        SearchResult b = SearchRunner.run(zdt, zdt.new Evaluator(1),
                config(dir.resolve("b"), SEED, false).toBuilder().threads(1).build(), ProgressListener.NONE);
        SearchResult c = SearchRunner.run(zdt, zdt.new Evaluator(0), config(dir.resolve("c"), SEED + 1, false),
                ProgressListener.NONE);
        assertEquals(fingerprint(a.trials()), fingerprint(b.trials()));
        assertFalse(fingerprint(a.trials()).equals(fingerprint(c.trials())));
        assertEquals(a.front().stream().map(Trial::key).toList(), b.front().stream().map(Trial::key).toList());
    }

    @Test
    void resumeAfterACrashEvaluatesEachCandidateOnceAndEqualsAnUninterruptedRun() throws Exception {
        Zdt zdt = space();
        SearchResult reference = SearchRunner.run(zdt, zdt.new Evaluator(0), config(dir.resolve("ref"), SEED, false),
                ProgressListener.NONE);

        Path run = dir.resolve("run");
        Zdt.Evaluator first = zdt.new Evaluator(2);
        AtomicInteger started = new AtomicInteger();
        CandidateEvaluator<int[]> crashing = c -> {
            if (started.incrementAndGet() > 40) {
                throw new Crash();
            }
            return first.evaluate(c);
        };
        assertThrows(Crash.class, () -> SearchRunner.run(zdt, crashing, config(run, SEED, false),
                ProgressListener.NONE));
        int stored;
        Set<String> before = new HashSet<>();
        try (TrialStore s = TrialStore.open(run.resolve(SearchRunner.TRIALS_DB))) {
            stored = s.count();
            s.all().forEach(t -> before.add(t.key()));
        }
        assertTrue(stored >= 38 && stored <= 40, "trials committed before the crash: " + stored);
        assertEquals(first.calls.keySet(), before, "every finished evaluation was committed");

        Zdt.Evaluator second = zdt.new Evaluator(0);
        SearchResult resumed = SearchRunner.run(zdt, second, config(run, SEED, true), ProgressListener.NONE);

        for (String k : second.calls.keySet()) {
            assertFalse(before.contains(k), "candidate " + k + " was evaluated again after resume");
        }
        assertEquals(resumed.trials().size(), first.total() + second.total(), "every candidate evaluated exactly once");
        assertEquals(fingerprint(reference.trials()), fingerprint(resumed.trials()));
        assertEquals(reference.front().stream().map(Trial::key).toList(),
                resumed.front().stream().map(Trial::key).toList());
        assertEquals(reference.knee().map(Trial::key), resumed.knee().map(Trial::key));
    }

    @ParameterizedTest(name = "killed after {0} committed trials")
    @ValueSource(ints = {3, 60})
    void resumeAfterKillMinus9OfASeparateJvm(int killAfter) throws Exception {
        Zdt zdt = space();
        SearchResult reference = SearchRunner.run(zdt, zdt.new Evaluator(0), config(dir.resolve("ref"), SEED, false),
                ProgressListener.NONE);
        Path run = dir.resolve("killed");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ResumeKillMain.class.getName(), run.toString(),
                Long.toString(SEED)).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        int atKill = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            int n = countRows(run.resolve(SearchRunner.TRIALS_DB));
            if (n >= killAfter) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                atKill = countRows(run.resolve(SearchRunner.TRIALS_DB));
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(atKill >= killAfter, "the child should have been killed mid-run; log: "
                + Files.readString(dir.resolve("child.log")));
        assertTrue(atKill < reference.trials().size(), "killed before the end: " + atKill);
        Set<String> before = new HashSet<>();
        try (TrialStore s = TrialStore.open(run.resolve(SearchRunner.TRIALS_DB))) {
            s.all().forEach(t -> before.add(t.key()));
        }

        Zdt.Evaluator second = zdt.new Evaluator(0);
        SearchResult resumed = SearchRunner.run(zdt, second, config(run, SEED, true), ProgressListener.NONE);
        for (String k : second.calls.keySet()) {
            assertFalse(before.contains(k), "candidate " + k + " was evaluated again after resume");
        }
        assertEquals(resumed.trials().size(), before.size() + second.total());
        assertEquals(fingerprint(reference.trials()), fingerprint(resumed.trials()));
        assertEquals(reference.knee().map(Trial::key), resumed.knee().map(Trial::key));
    }

    @Test
    void resumeRefusesAnotherSeedAndANewRunRefusesAnOldDirectory() throws Exception {
        Zdt zdt = space();
        Path run = dir.resolve("r");
        SearchRunner.run(zdt, zdt.new Evaluator(0), config(run, SEED, false), ProgressListener.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchRunner.run(zdt, zdt.new Evaluator(0), config(run, SEED + 1, true), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("seed mismatch: run=7, requested=8"), e.getMessage());
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> SearchRunner.run(zdt, zdt.new Evaluator(0), config(run, SEED, false), ProgressListener.NONE));
        assertTrue(again.getMessage().contains("pass --resume"), again.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> SearchRunner.run(zdt, zdt.new Evaluator(0), config(dir.resolve("none"), SEED, true),
                        ProgressListener.NONE));
        assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
        assertEquals("7", SearchRunner.recordedSettings(run).get("seed"));
    }

    @Test
    void resumingAFinishedRunWithMoreGenerationsContinuesIt() throws Exception {
        Zdt zdt = space();
        SearchResult longRun = SearchRunner.run(zdt, zdt.new Evaluator(0), config(dir.resolve("long"), SEED, false),
                ProgressListener.NONE);
        Path run = dir.resolve("short");
        SearchConfig shortCfg = config(run, SEED, false).toBuilder().generations(5).build();
        SearchRunner.run(zdt, zdt.new Evaluator(0), shortCfg, ProgressListener.NONE);
        Zdt.Evaluator more = zdt.new Evaluator(0);
        SearchResult extended = SearchRunner.run(zdt, more, config(run, SEED, true), ProgressListener.NONE);
        assertEquals(fingerprint(longRun.trials()), fingerprint(extended.trials()));
        assertEquals(12, extended.generations());
    }

    private static int countRows(Path db) {
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM trials")) {
            return r.next() ? r.getInt(1) : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
