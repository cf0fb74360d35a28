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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.ir.Json;

/** Multi-fidelity search: promotion by non-dominated rank, rungs in trials.db, resume across rungs. */
class RungSearchTest {
    static final long SEED = 5L;

    @TempDir
    Path dir;

    static final RungPlan PLAN = new RungPlan(List.of(new RungPlan.Rung(100, 1), new RungPlan.Rung(500, 2),
            new RungPlan.Rung(2000, 4)), 0.34);

    static SearchConfig config(Path out, boolean resume) {
        return SearchConfig.builder(out).population(12).generations(4).seed(SEED).threads(2).resume(resume)
                .rungs(PLAN).build();
    }

    /**
     * A synthetic multi-fidelity evaluator over {@link Zdt}: rung r reports accuracy {@code (1 - f1) * (0.6 + 0.2 r)}
     * (higher rungs look better, ranks are kept), rung 0 also the latency f2. Counts calls per key and rung.
     */
    static final class RungEvaluator implements CandidateEvaluator<int[]> {
        final Zdt zdt;
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final long sleepMillis;
        final int crashAtRungCall;
        final AtomicInteger rungCalls = new AtomicInteger();

        RungEvaluator(Zdt zdt, long sleepMillis, int crashAtRungCall) {
            this.zdt = zdt;
            this.sleepMillis = sleepMillis;
            this.crashAtRungCall = crashAtRungCall;
        }

        @Override
        public Evaluation evaluate(Candidate<int[]> c) throws Exception {
            return evaluate(c, 0);
        }

        @Override
        public Evaluation evaluate(Candidate<int[]> c, int rung) throws Exception {
            if (rung > 0 && rungCalls.incrementAndGet() == crashAtRungCall) {
                throw new SearchResumeTest.Crash();
            }
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
            calls.computeIfAbsent(c.key() + "@" + rung, x -> new AtomicInteger()).incrementAndGet();
            double[] f = zdt.objectives(c.value());
            double acc = (1 - f[0]) * (0.6 + 0.2 * rung);
            return Evaluation.ok(acc, rung == 0 ? f[1] : 0.0, 0, 0, rung + 1);
        }

        int total() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    @Test
    void promotionTakesWholeFrontsThenSpreadsAlongTheNextSoTheFastestIsPromoted() {
        List<Promotion.Entry> e = List.of(
                new Promotion.Entry("slow-accurate", 0.90, 5.0),
                new Promotion.Entry("fast-poor", 0.40, 0.5),
                new Promotion.Entry("dominated", 0.30, 6.0),
                new Promotion.Entry("mid", 0.70, 2.0),
                new Promotion.Entry("dominated2", 0.35, 3.0),
                new Promotion.Entry("mid2", 0.80, 3.5));
        // front 1 = fast-poor, mid, mid2, slow-accurate (4 points): 2 of them -> its two ends
        assertEquals(List.of("slow-accurate", "fast-poor"), Promotion.select(e, 2));
        // 1 -> the most accurate
        assertEquals(List.of("slow-accurate"), Promotion.select(e, 1));
        // 4 -> the whole first front, none dominated
        assertEquals(List.of("slow-accurate", "fast-poor", "mid", "mid2"), Promotion.select(e, 4));
        // 5 -> first front + the spread of the second (dominated2 at 3.0 s dominates dominated at 6.0 s)
        assertEquals(List.of("slow-accurate", "fast-poor", "mid", "dominated2", "mid2"), Promotion.select(e, 5));
        assertEquals(6, Promotion.select(e, 9).size());
        assertEquals(List.of(), Promotion.select(e, 0));
        assertEquals(List.of(0, 2, 4), Promotion.spread(5, 3));
        assertEquals(List.of(0, 2, 3), Promotion.spread(4, 3));
        assertEquals(3, PLAN.promoted(7)); // ceil(0.34 * 7) = ceil(2.38)
        assertEquals(1, PLAN.promoted(1));
        assertEquals(0, PLAN.promoted(0));
        assertEquals(5, new RungPlan(List.of(new RungPlan.Rung(1, 1)), 0.5).promoted(10));
    }

    @Test
    void eachGenerationClimbsTheRungsAndTheFrontUsesTheHighestRung() throws Exception {
        Zdt zdt = SearchResumeTest.space();
        RungEvaluator ev = new RungEvaluator(zdt, 0, -1);
        List<RungResult> seen = new ArrayList<>();
        ProgressListener l = new ProgressListener() {
            public synchronized void onRung(Trial t, RungResult g) { seen.add(g); }
        };
        SearchResult r = SearchRunner.run(zdt, ev, config(dir, false), l);

        // every (key, rung) evaluated once
        ev.calls.forEach((k, n) -> assertEquals(1, n.get(), k));
        Map<Integer, Map<Integer, RungResult>> byTrial = r.rungResults();
        assertEquals(seen.size(), byTrial.values().stream().mapToInt(Map::size).sum());
        // per generation: ceil(0.34 n) of the n fresh candidates reach rung 1, ceil(0.34 m) of those rung 2
        for (int g = 1; g <= 4; g++) {
            final int gen = g;
            List<Trial> fresh = r.rung0().stream().filter(t -> t.generation() == gen).toList();
            long r1 = fresh.stream().filter(t -> byTrial.getOrDefault(t.id(), Map.of()).containsKey(1)).count();
            long r2 = fresh.stream().filter(t -> byTrial.getOrDefault(t.id(), Map.of()).containsKey(2)).count();
            assertEquals(PLAN.promoted(fresh.size()), r1, "generation " + g + " rung 1");
            assertEquals(PLAN.promoted((int) r1), r2, "generation " + g + " rung 2");
            // the fastest and the most accurate rung-0 candidates of the generation are both promoted
            Trial fastest = fresh.stream().min(java.util.Comparator.comparingDouble((Trial t) ->
                    t.evaluation().latencySeconds()).thenComparingDouble(t -> -t.evaluation().accuracy()))
                    .orElseThrow();
            Trial best = fresh.stream().max(java.util.Comparator.comparingDouble((Trial t) ->
                    t.evaluation().accuracy()).thenComparingDouble(t -> -t.evaluation().latencySeconds()))
                    .orElseThrow();
            assertTrue(byTrial.getOrDefault(fastest.id(), Map.of()).containsKey(1), "fastest of generation " + g + " promoted");
            assertTrue(byTrial.getOrDefault(best.id(), Map.of()).containsKey(1), "most accurate of generation " + g + " promoted");
        }
        // trials carry the highest rung's accuracy; the front is built from them
        for (Trial t : r.trials()) {
            int top = Rungs.topRung(t, byTrial.getOrDefault(t.id(), Map.of()));
            double[] f = zdt.objectives(zdt.decode(t.genes().stream().mapToInt(Integer::intValue).toArray()).value());
            assertEquals((1 - f[0]) * (0.6 + 0.2 * top), t.evaluation().accuracy(), 1e-12);
            assertEquals(f[1], t.evaluation().latencySeconds(), 1e-12, "latency stays the rung-0 cost");
        }
        assertEquals(ParetoFront.of(r.trials()), r.front());
        assertTrue(r.front().stream().anyMatch(t -> byTrial.containsKey(t.id())), "the front holds promoted models");

        // trials.db: schema version 2, rung_results and the all_rungs view
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("trials.db"));
                Statement s = c.createStatement()) {
            assertEquals(TrialStore.SCHEMA_VERSION, scalar(s, "PRAGMA user_version"));
            assertEquals(seen.size(), scalar(s, "SELECT COUNT(*) FROM rung_results"));
            assertEquals(seen.size() + r.trials().size(), scalar(s, "SELECT COUNT(*) FROM all_rungs"));
            assertEquals(0, scalar(s, "SELECT COUNT(*) FROM rung_results WHERE rung = 1 AND train_images <> 500"));
            assertEquals(0, scalar(s, "SELECT COUNT(*) FROM rung_results WHERE rung = 2 AND epochs <> 4"));
        }
        // pareto.json reports each front model's rungs
        Map<String, Object> pareto = Json.asObject(Json.readFile(dir.resolve("pareto.json")), "pareto");
        List<?> front = (List<?>) pareto.get("front");
        Map<String, Object> first = Json.asObject(front.get(front.size() - 1), "front[-1]");
        assertTrue(first.containsKey("rung") && first.containsKey("rungs"), first.toString());
        assertTrue(Files.readString(dir.resolve("report.html")).contains("rung"));
    }

    @Test
    void resumeAfterACrashMidRungTrainsOnlyTheMissingRungResults() throws Exception {
        Zdt zdt = SearchResumeTest.space();
        SearchResult reference = SearchRunner.run(zdt, new RungEvaluator(zdt, 0, -1), config(dir.resolve("ref"),
                false), ProgressListener.NONE);
        Path run = dir.resolve("crashed");
        RungEvaluator crashing = new RungEvaluator(zdt, 0, 7);
        assertThrows(SearchResumeTest.Crash.class, () -> SearchRunner.run(zdt, crashing, config(run, false),
                ProgressListener.NONE));
        Set<String> before = new HashSet<>(crashing.calls.keySet());
        assertTrue(before.stream().anyMatch(k -> k.endsWith("@1")), "crashed after some rung-1 results");

        RungEvaluator second = new RungEvaluator(zdt, 0, -1);
        SearchResult resumed = SearchRunner.run(zdt, second, config(run, true), ProgressListener.NONE);
        for (String k : second.calls.keySet()) {
            assertFalse(before.contains(k), k + " was trained again after resume");
        }
        assertEquals(fingerprint(reference), fingerprint(resumed));
    }

    @Test
    void resumeAfterKillMinus9MidRung() throws Exception {
        Zdt zdt = SearchResumeTest.space();
        SearchResult reference = SearchRunner.run(zdt, new RungEvaluator(zdt, 0, -1), config(dir.resolve("ref"),
                false), ProgressListener.NONE);
        Path run = dir.resolve("killed");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), RungKillMain.class.getName(), run.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        int atKill = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path db = run.resolve(SearchRunner.TRIALS_DB);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(db) && rungRows(db) >= 3) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                atKill = rungRows(db);
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(atKill >= 3, "the child should have been killed mid-run; log: "
                + Files.readString(dir.resolve("child.log")));
        Set<String> before = new HashSet<>();
        try (TrialStore s = TrialStore.open(db)) {
            Map<Integer, String> keys = new java.util.HashMap<>();
            s.all().forEach(t -> {
                before.add(t.key() + "@0");
                keys.put(t.id(), t.key());
            });
            s.rungResults().forEach(g -> before.add(keys.get(g.trialId()) + "@" + g.rung()));
        }
        RungEvaluator second = new RungEvaluator(zdt, 0, -1);
        SearchResult resumed = SearchRunner.run(zdt, second, config(run, true), ProgressListener.NONE);
        for (String k : second.calls.keySet()) {
            assertFalse(before.contains(k), k + " was trained again after resume");
        }
        assertEquals(fingerprint(reference), fingerprint(resumed));
    }

    @Test
    void aDatabaseFromBeforeRungsIsMigratedAndReadsAsSingleRung() throws Exception {
        Path db = dir.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE trials (trial_id INTEGER PRIMARY KEY, generation INTEGER NOT NULL, reference "
                    + "INTEGER NOT NULL, genotype TEXT NOT NULL, key TEXT NOT NULL UNIQUE, label TEXT NOT NULL, status "
                    + "TEXT NOT NULL, accuracy REAL, latency_s REAL, depth INTEGER, log_n INTEGER, train_seconds REAL, "
                    + "failure_reason TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, "
                    + "architecture TEXT NOT NULL)");
            s.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute("INSERT INTO trials VALUES (0, 1, 0, '[1,0]', 'k0', 'net', 'OK', 0.5, 1.5, 5, 14, 3.0, '', '"
                    + Instant.EPOCH + "', '" + Instant.EPOCH + "', '{}')");
            assertEquals(0, scalar(s, "PRAGMA user_version"));
        }
        try (TrialStore s = TrialStore.open(db)) {
            assertEquals(TrialStore.SCHEMA_VERSION, s.schemaVersion());
            assertEquals(1, s.all().size());
            assertEquals(-1, s.all().get(0).evaluation().keyBytes(), "rows before key_bytes read as unknown");
            assertEquals(1, s.all().get(0).evaluation().imagesPerRun(), "rows before images_per_run: one image");
            assertEquals(List.of(), s.rungResults());
            Trial t = s.all().get(0);
            s.insertRung(new RungResult(0, 1, new RungPlan.Rung(10, 2), Rungs.onRung(t.evaluation(),
                    Evaluation.ok(0.7, 0, -1, -1, 9.0)), Instant.EPOCH, Instant.EPOCH));
            RungResult g = s.rungResults().get(0);
            assertEquals(0.7, g.evaluation().accuracy());
            assertEquals(1.5, g.evaluation().latencySeconds(), "latency joined from the trial");
            assertEquals(14, g.evaluation().logN());
            assertEquals(1, g.evaluation().imagesPerRun());
            assertThrows(TrialStore.TrialStoreException.class, () -> s.insertRung(g));
            // a rung that re-costed its trained weights keeps its own cost (the plan those weights export to)
            Evaluation recosted = Evaluation.ok(0.8, 0.9, 5, 13, 11.0).withKeyBytes(5_000_000L);
            assertEquals(recosted, Rungs.onRung(t.evaluation(), recosted));
            s.insertRung(new RungResult(0, 2, new RungPlan.Rung(20, 2), Rungs.onRung(t.evaluation(), recosted),
                    Instant.EPOCH, Instant.EPOCH));
        }
        try (TrialStore s = TrialStore.open(db)) {
            assertEquals(1.5, s.rungResults().get(0).evaluation().latencySeconds());
            assertEquals(Evaluation.ok(0.8, 0.9, 5, 13, 11.0).withKeyBytes(5_000_000L),
                    s.rungResults().get(1).evaluation());
        }
    }

    static List<String> fingerprint(SearchResult r) {
        List<String> out = new ArrayList<>(SearchResumeTest.fingerprint(r.rung0()));
        r.rungResults().forEach((id, m) -> m.forEach((rung, g) -> out.add(id + "@" + rung + "|" + g.evaluation())));
        out.addAll(r.front().stream().map(t -> "front " + t.key()).toList());
        return out;
    }

    private static int rungRows(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            return scalar(s, "SELECT COUNT(*) FROM rung_results");
        } catch (java.sql.SQLException e) {
            return 0; // not created yet
        }
    }

    private static int scalar(Statement s, String sql) throws Exception {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getInt(1) : -1;
        }
    }
}
