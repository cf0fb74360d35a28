package io.henas.search;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of one search run. Build with {@link #builder(Path)}.
 *
 * @param population           individuals per generation (&gt;= 2)
 * @param generations          generations including the initial population (&gt;= 1); about
 *                             {@code population * generations} candidates are proposed
 * @param seed                 seed of the search's random generator (candidate generation is a function of it)
 * @param outDir               run directory (trials.db, manifest.json, report ...)
 * @param resume               continue the run in {@code outDir}; false requires that it holds no trials yet
 * @param threads              evaluations at once; 0 = {@code max(1, cores / evaluator.threadsPerEvaluation())}
 * @param constraints          hard limits
 * @param depthObjective       also minimise multiplicative depth (third objective)
 * @param crossoverProbability probability that a parent pair recombines
 * @param mutationProbability  per-gene random-reset probability; NaN = 1 / number of genes
 * @param maxResamples         random gene vectors tried in a row before giving up on a space that rejects them all
 * @param provenance           extra manifest entries (dataset, budgets, space file ...)
 * @param rungs                the multi-fidelity schedule ({@link RungPlan#single()}: one proxy budget)
 * @param seedReferences       the first generation starts from the references that are points of the space and
 *                             one-gene mutants of them ({@link ReferenceSeeds}); the rest is random
 * @param speed                the speed objective beside accuracy: latency of one run, or throughput (images/s)
 */
public record SearchConfig(int population, int generations, long seed, Path outDir, boolean resume, int threads,
        Constraints constraints, boolean depthObjective, double crossoverProbability, double mutationProbability,
        int maxResamples, Map<String, Object> provenance, RungPlan rungs, boolean seedReferences,
        SpeedObjective speed) {

    /** A single-rung configuration (as before multi-fidelity search). */
    public SearchConfig(int population, int generations, long seed, Path outDir, boolean resume, int threads,
            Constraints constraints, boolean depthObjective, double crossoverProbability, double mutationProbability,
            int maxResamples, Map<String, Object> provenance) {
        this(population, generations, seed, outDir, resume, threads, constraints, depthObjective, crossoverProbability,
                mutationProbability, maxResamples, provenance, RungPlan.single(), false, SpeedObjective.LATENCY);
    }

    public SearchConfig {
        Objects.requireNonNull(rungs, "rungs");
        Objects.requireNonNull(speed, "speed");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(constraints, "constraints");
        provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        if (population < 2) {
            throw new IllegalArgumentException("population must be >= 2, but was " + population);
        }
        if (generations < 1) {
            throw new IllegalArgumentException("generations must be >= 1, but was " + generations);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = default), but was " + threads);
        }
        if (!(crossoverProbability >= 0 && crossoverProbability <= 1)) {
            throw new IllegalArgumentException("crossoverProbability must be in [0, 1], but was "
                    + crossoverProbability);
        }
        if (!Double.isNaN(mutationProbability) && !(mutationProbability >= 0 && mutationProbability <= 1)) {
            throw new IllegalArgumentException("mutationProbability must be in [0, 1] or NaN, but was "
                    + mutationProbability);
        }
        if (maxResamples < 1) {
            throw new IllegalArgumentException("maxResamples must be >= 1, but was " + maxResamples);
        }
    }

    /** Defaults: population 20, generations 10, seed 42, no resume, default threads, no constraints, two objectives,
     * crossover 0.9, mutation 1/genes, 10000 resamples, latency objective. */
    public static Builder builder(Path outDir) {
        return new Builder(outDir);
    }

    /** A builder with these settings. */
    public Builder toBuilder() {
        Builder b = new Builder(outDir);
        b.population = population;
        b.generations = generations;
        b.seed = seed;
        b.resume = resume;
        b.threads = threads;
        b.constraints = constraints;
        b.depthObjective = depthObjective;
        b.crossoverProbability = crossoverProbability;
        b.mutationProbability = mutationProbability;
        b.maxResamples = maxResamples;
        b.provenance = new LinkedHashMap<>(provenance);
        b.rungs = rungs;
        b.seedReferences = seedReferences;
        b.speed = speed;
        return b;
    }

    /** Builder of {@link SearchConfig}. */
    public static final class Builder {
        private Path outDir;
        private int population = 20;
        private int generations = 10;
        private long seed = 42;
        private boolean resume;
        private int threads;
        private Constraints constraints = Constraints.NONE;
        private boolean depthObjective;
        private double crossoverProbability = 0.9;
        private double mutationProbability = Double.NaN;
        private int maxResamples = 10_000;
        private Map<String, Object> provenance = new LinkedHashMap<>();
        private RungPlan rungs = RungPlan.single();
        private boolean seedReferences;
        private SpeedObjective speed = SpeedObjective.LATENCY;

        private Builder(Path outDir) {
            this.outDir = outDir;
        }

        public Builder outDir(Path v) { outDir = v; return this; }
        public Builder population(int v) { population = v; return this; }
        public Builder generations(int v) { generations = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder resume(boolean v) { resume = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder constraints(Constraints v) { constraints = v; return this; }
        public Builder depthObjective(boolean v) { depthObjective = v; return this; }
        public Builder crossoverProbability(double v) { crossoverProbability = v; return this; }
        public Builder mutationProbability(double v) { mutationProbability = v; return this; }
        public Builder maxResamples(int v) { maxResamples = v; return this; }
        public Builder provenance(String key, Object value) { provenance.put(key, value); return this; }
        public Builder rungs(RungPlan v) { rungs = v; return this; }
        public Builder seedReferences(boolean v) { seedReferences = v; return this; }
        public Builder speed(SpeedObjective v) { speed = v; return this; }

        public SearchConfig build() {
            return new SearchConfig(population, generations, seed, outDir, resume, threads, constraints,
                    depthObjective, crossoverProbability, mutationProbability, maxResamples, provenance, rungs,
                    seedReferences, speed);
        }
    }
}
