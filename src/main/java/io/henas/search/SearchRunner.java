package io.henas.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a search end to end in a run directory: {@code trials.db}, {@code manifest.json}, then after the last
 * generation {@code pareto.json}, {@code trials.csv}, {@code report.html} and {@code pareto.png}. This is what
 * {@code henas search} calls.
 */
public final class SearchRunner {
    /** File names inside the run directory. */
    public static final String TRIALS_DB = "trials.db", MANIFEST = "manifest.json", PARETO = "pareto.json",
            TRIALS_CSV = "trials.csv", REPORT = "report.html", PLOT = "pareto.png";

    /** Keys of {@link #settings}. */
    static final List<String> SETTING_KEYS = List.of("space", "space_sha256", "cardinalities", "seed", "population",
            "depth_objective", "constraints", "crossover_probability", "mutation_probability", "rungs", "objective");

    private SearchRunner() {
    }

    /**
     * Runs with a {@link LocalEvaluationPool} of {@code config.threads()} threads (0 = {@code max(1, cores /
     * evaluator.threadsPerEvaluation())}).
     */
    public static <T> SearchResult run(CandidateSpace<T> space, CandidateEvaluator<T> evaluator, SearchConfig config,
            ProgressListener listener) throws InterruptedException {
        int threads = config.threads() > 0 ? config.threads()
                : LocalEvaluationPool.defaultThreads(Runtime.getRuntime().availableProcessors(),
                        evaluator.threadsPerEvaluation());
        Map<String, Object> prov = new LinkedHashMap<>(evaluator.provenance());
        prov.putAll(config.provenance());
        SearchConfig.Builder cb = config.toBuilder().threads(threads);
        prov.forEach(cb::provenance);
        SearchConfig c = cb.build();
        try (LocalEvaluationPool<T> pool = new LocalEvaluationPool<>(evaluator, threads)) {
            return run(space, pool, c, listener);
        }
    }

    /** Runs with any evaluation backend (local pool, cluster). The caller closes the backend. */
    public static <T> SearchResult run(CandidateSpace<T> space, EvaluationBackend<T> backend, SearchConfig config,
            ProgressListener listener) throws InterruptedException {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(listener, "listener");
        if (space.cardinalities().length == 0) {
            throw new IllegalArgumentException("space '" + space.name() + "' has no choices (it is one fixed "
                    + "architecture): there is nothing to search; train or cost it directly");
        }
        Path dir = config.outDir();
        Path dbFile = dir.resolve(TRIALS_DB);
        if (config.resume() && !Files.exists(dbFile)) {
            throw new IllegalArgumentException("cannot resume: " + dbFile + " does not exist (no run to continue in "
                    + dir + ")");
        }
        try (TrialStore store = TrialStore.open(dbFile)) {
            Map<String, String> settings = settings(space, config);
            checkOrRecordSettings(store, settings, config, dir);
            RunManifest manifest = new RunManifest(dir.resolve(MANIFEST), space, config, backend.parallelism());
            manifest.started(Instant.now());
            EvolutionLoop<T> loop = new EvolutionLoop<>(space, backend, store, config, listener);
            loop.run();
            List<Trial> rung0 = store.all();
            Map<Integer, Map<Integer, RungResult>> rungs = Rungs.byTrial(store.rungResults());
            List<Trial> trials = Rungs.top(rung0, rungs);
            List<Trial> front = ParetoFront.of(trials, config.speed());
            Optional<Trial> knee = ParetoFront.knee(front, config.speed());
            SearchResult result = new SearchResult(dir, trials, front, knee, loop.generationsDone(), loop.rejected(),
                    loop.cacheHits(), loop.evaluatedNow(), loop.elapsed(), rung0, rungs, config.rungs());
            RunReport.write(space.name(), config, result);
            manifest.finished(result);
            return result;
        }
    }

    /**
     * Whether the run in {@code dir} finished: its report was written and then, as the run's last write, its
     * {@code manifest.json} marked "finished" (a run killed while writing its report is not finished).
     */
    public static boolean finished(Path dir) {
        return RunManifest.recordsFinished(dir.resolve(MANIFEST));
    }

    /** The settings a run is tied to (stored in trials.db's meta table; resume must match them). */
    static Map<String, String> settings(CandidateSpace<?> space, SearchConfig config) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("space", space.name());
        m.put("space_sha256", space.sha256());
        m.put("cardinalities", Arrays.toString(space.cardinalities()));
        m.put("seed", Long.toString(config.seed()));
        m.put("population", Integer.toString(config.population()));
        m.put("depth_objective", Boolean.toString(config.depthObjective()));
        m.put("constraints", config.constraints().toString());
        m.put("crossover_probability", Double.toString(config.crossoverProbability()));
        m.put("mutation_probability", Double.toString(config.mutationProbability()));
        if (config.rungs().multiFidelity()) {
            m.put("rungs", config.rungs().toString());
        }
        // runs older than the throughput objective lack it (they were latency runs): recorded on their next resume
        m.put("objective", config.speed().key());
        return m;
    }

    /** The settings recorded in an existing run directory (empty if it holds no run). */
    public static Map<String, String> recordedSettings(Path outDir) {
        Path db = outDir.resolve(TRIALS_DB);
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(db)) {
            return m;
        }
        try (TrialStore store = TrialStore.open(db)) {
            for (String k : SETTING_KEYS) {
                store.meta(k).ifPresent(v -> m.put(k, v));
            }
        }
        return m;
    }

    private static void checkOrRecordSettings(TrialStore store, Map<String, String> settings, SearchConfig config,
            Path dir) {
        boolean hasRun = store.meta("seed").isPresent() || store.count() > 0;
        if (hasRun && !config.resume()) {
            throw new IllegalArgumentException(dir + " already holds a search (" + store.count()
                    + " trials): pass --resume to continue it, or choose another --out directory");
        }
        for (var e : settings.entrySet()) {
            Optional<String> old = store.meta(e.getKey());
            if (old.isPresent() && !old.get().equals(e.getValue())) {
                throw new IllegalArgumentException("cannot resume " + dir + ": " + e.getKey() + " mismatch: run="
                        + old.get() + ", requested=" + e.getValue());
            }
        }
        for (var e : settings.entrySet()) {
            store.putMeta(e.getKey(), e.getValue());
        }
    }
}
