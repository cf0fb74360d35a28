package io.henas.search;

import java.time.Duration;
import java.util.Objects;

/**
 * Summary after one generation, for the progress line and the {@code generations} table.
 *
 * @param generation            1-based generation just finished (1 = initial population)
 * @param generations           total generations of the run
 * @param frontSize             size of the accuracy/latency Pareto front of all feasible trials so far
 * @param bestAccuracy          best feasible accuracy so far (NaN if none)
 * @param fastestLatencySeconds lowest feasible predicted latency so far (NaN if none)
 * @param evaluations           distinct candidates evaluated so far (including references)
 * @param rejected              gene vectors the codec rejected (and resampled) so far
 * @param cacheHits             candidates served from the cache instead of being evaluated again
 * @param replayed              whether every evaluation of this generation came from the trials database (resume)
 * @param elapsed               wall time since this process started the search
 */
public record GenerationStats(int generation, int generations, int frontSize, double bestAccuracy,
        double fastestLatencySeconds, int evaluations, int rejected, int cacheHits, boolean replayed,
        Duration elapsed) {
    public GenerationStats {
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
