package io.henas.space;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code search} section: population, generations, seed, objectives and constraints. A candidate that breaks a
 * constraint is infeasible (the search decides whether to drop or penalise it).
 *
 * @param population       individuals per generation, at least 2
 * @param generations      generations to run, at least 1
 * @param seed             seed of the search's random generator
 * @param objectives       distinct objectives, at least one
 * @param maxLogN          largest allowed ring degree log2 N, if set
 * @param maxLatencySeconds largest allowed predicted encrypted latency in seconds, if set: of one run of the plan,
 *                         so under the throughput objective (batch packing) of the whole batch of N/2 images
 * @param maxDepth         largest allowed multiplicative depth, if set
 * @param maxKeyBytes      largest allowed evaluation-key memory in bytes, if set
 * @param seedReferences   {@code seed_references}: start the first generation from the space's references (those that
 *                         are points of the space) and one-gene mutants of them instead of random candidates only
 */
public record SearchSettings(int population, int generations, long seed, List<Objective> objectives,
                             OptionalInt maxLogN, OptionalDouble maxLatencySeconds, OptionalInt maxDepth,
                             OptionalLong maxKeyBytes, boolean seedReferences) {
    public SearchSettings {
        objectives = List.copyOf(objectives);
        if (population < 2) {
            throw new IllegalArgumentException("population must be >= 2, but was " + population);
        }
        if (generations < 1) {
            throw new IllegalArgumentException("generations must be >= 1, but was " + generations);
        }
        if (objectives.isEmpty() || new HashSet<>(objectives).size() != objectives.size()) {
            throw new IllegalArgumentException("objectives must be a non-empty list without repeats, but was " + objectives);
        }
        if (objectives.contains(Objective.LATENCY) && objectives.contains(Objective.THROUGHPUT)) {
            throw new IllegalArgumentException("objectives must not list both latency and throughput (a run "
                    + "optimises one), but was " + objectives);
        }
        if (maxLogN.isPresent() && (maxLogN.getAsInt() < 10 || maxLogN.getAsInt() > 17)) {
            throw new IllegalArgumentException("max_logn must be in [10, 17], but was " + maxLogN.getAsInt());
        }
        if (maxLatencySeconds.isPresent() && !(maxLatencySeconds.getAsDouble() > 0)) {
            throw new IllegalArgumentException("max_latency_s must be > 0, but was " + maxLatencySeconds.getAsDouble());
        }
        if (maxKeyBytes.isPresent() && maxKeyBytes.getAsLong() < 1) {
            throw new IllegalArgumentException("max_key_bytes must be >= 1, but was " + maxKeyBytes.getAsLong());
        }
        if (maxDepth.isPresent() && maxDepth.getAsInt() < 1) {
            throw new IllegalArgumentException("max_depth must be >= 1, but was " + maxDepth.getAsInt());
        }
    }

    /**
     * Defaults: population 16, 4 generations, seed 42, objectives accuracy and latency, no constraints, a random first
     * generation.
     */
    public static SearchSettings defaults() {
        return new SearchSettings(16, 4, 42, List.of(Objective.ACCURACY, Objective.LATENCY), OptionalInt.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), OptionalLong.empty(), false);
    }
}
