package io.henas.search;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished search produced.
 *
 * @param outDir          the run directory
 * @param trials          every trial in id order (references included)
 * @param front           accuracy/latency Pareto front of feasible search trials, latency ascending
 * @param knee            the knee of the front (see {@link ParetoFront#knee}), to train in full and export
 * @param generations     generations completed
 * @param rejected        gene vectors the space rejected (never evaluated, resampled)
 * @param cacheHits       candidates met again and served from the cache
 * @param evaluatedNow    evaluations this process ran (the rest came from trials.db on resume)
 * @param elapsed         wall time of this process' run
 * @param rung0           every trial with its rung-0 (proxy) evaluation; {@code trials} holds each on its highest rung
 * @param rungResults     results of rungs &gt;= 1 by trial id, then rung (empty for a single-rung search)
 * @param rungs           the multi-fidelity schedule
 */
public record SearchResult(Path outDir, List<Trial> trials, List<Trial> front, Optional<Trial> knee, int generations,
        int rejected, int cacheHits, int evaluatedNow, Duration elapsed, List<Trial> rung0,
        Map<Integer, Map<Integer, RungResult>> rungResults, RungPlan rungs) {

    /** A single-rung result (trials on the proxy only). */
    public SearchResult(Path outDir, List<Trial> trials, List<Trial> front, Optional<Trial> knee, int generations,
            int rejected, int cacheHits, int evaluatedNow, Duration elapsed) {
        this(outDir, trials, front, knee, generations, rejected, cacheHits, evaluatedNow, elapsed, trials, Map.of(),
                RungPlan.single());
    }

    public SearchResult {
        rung0 = List.copyOf(rung0);
        rungResults = Map.copyOf(rungResults);
        Objects.requireNonNull(rungs, "rungs");
        Objects.requireNonNull(outDir, "outDir");
        trials = List.copyOf(trials);
        front = List.copyOf(front);
        Objects.requireNonNull(knee, "knee");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** The reference trials. */
    public List<Trial> references() {
        return trials.stream().filter(Trial::reference).toList();
    }
}
