package io.henas.search;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGeneratorFactory;

import io.jenetics.Alterer;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.Optimize;
import io.jenetics.Phenotype;
import io.jenetics.Selector;
import io.jenetics.ext.moea.NSGA2Selector;
import io.jenetics.ext.moea.UFTournamentSelector;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;

/**
 * NSGA-II, generation by generation, built from Jenetics parts: parents by {@link UFTournamentSelector#ofVec()}
 * (crowded tournament on unique fitness), {@link GeneUniformCrossover} then Jenetics' {@link Mutator} (per-gene
 * random reset), and survivors of parents + offspring by {@link NSGA2Selector#ofVec()} (elitist (mu + lambda)
 * selection by non-domination rank and crowding distance).
 *
 * <p>Determinism and resume: every random draw happens on the calling thread inside
 * {@code RandomRegistry.with(L64X256MixRandom(seed))}; evaluations (which run on other threads) draw nothing. The
 * candidate sequence is therefore a function of the seed and the evaluation results. Resume replays the run from
 * generation 1 with every evaluation already in {@code trials.db} served from it, so it reaches the interruption
 * point with the same random state and continues with the candidates the uninterrupted run would have made. Trial
 * ids are the order in which the search first meets each canonical key, and are checked against the database
 * during replay.
 */
final class EvolutionLoop<T> {
    private static final Optimize MAX = Optimize.MAXIMUM;

    private final CandidateSpace<T> space;
    private final GenotypeCodec codec;
    private final EvaluationBackend<T> backend;
    private final TrialStore store;
    private final SearchConfig config;
    private final ProgressListener listener;
    private final long startNanos = System.nanoTime();

    private final Map<String, Trial> committed = new ConcurrentHashMap<>();
    /** Results of rungs >= 1 by candidate key, then rung. */
    private final Map<String, Map<Integer, RungResult>> rungResults = new ConcurrentHashMap<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<List<Integer>, Candidate<T>> decoded = new HashMap<>();
    private final Selector<IntegerGene, Vec<double[]>> parents = UFTournamentSelector.ofVec();
    private final Selector<IntegerGene, Vec<double[]>> survivors = NSGA2Selector.ofVec();
    private final Alterer<IntegerGene, Vec<double[]>> alterer;
    private int rejected;
    private int cacheHits;
    private int evaluatedNow;
    private int generationsDone;
    private final int preloaded;

    EvolutionLoop(CandidateSpace<T> space, EvaluationBackend<T> backend, TrialStore store, SearchConfig config,
            ProgressListener listener) {
        this.space = space;
        this.codec = new GenotypeCodec(space.cardinalities());
        this.backend = backend;
        this.store = store;
        this.config = config;
        this.listener = listener;
        double pm = Double.isNaN(config.mutationProbability()) ? 1.0 / codec.length() : config.mutationProbability();
        Alterer<IntegerGene, Vec<double[]>> crossover = new GeneUniformCrossover<>(config.crossoverProbability());
        Alterer<IntegerGene, Vec<double[]>> mutator = new Mutator<>(pm);
        this.alterer = crossover.andThen(mutator);
        Map<Integer, String> keyById = new HashMap<>();
        for (Trial t : store.all()) {
            committed.put(t.key(), t);
            keyById.put(t.id(), t.key());
        }
        for (RungResult g : store.rungResults()) {
            String key = keyById.get(g.trialId());
            if (key != null) {
                rungResults.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(g.rung(), g);
            }
        }
        this.preloaded = committed.size();
    }

    int rejected() { return rejected; }
    int cacheHits() { return cacheHits; }
    int evaluatedNow() { return evaluatedNow; }
    int generationsDone() { return generationsDone; }
    Duration elapsed() { return Duration.ofNanos(System.nanoTime() - startNanos); }

    /** Runs (or replays and continues) the search. */
    void run() throws InterruptedException {
        List<Candidate<T>> refs = new ArrayList<>();
        for (Candidate<T> c : space.references()) {
            refs.add(referenceKeyed(c));
        }
        evaluate(refs, 0, true);
        var random = RandomGeneratorFactory.of("L64X256MixRandom").create(config.seed());
        RandomRegistry.with(random).call(() -> {
            evolve();
            return null;
        });
    }

    /**
     * References get the key {@code ref:<key>}, so that a search candidate equal to a reference is still its own
     * (search) trial and can enter the front; the price is at most one extra evaluation per reference.
     */
    static <T> Candidate<T> referenceKeyed(Candidate<T> c) {
        return c.key().startsWith(REF_PREFIX) ? c
                : new Candidate<>(c.genes(), REF_PREFIX + c.key(), c.label(), c.description(), c.value());
    }

    static final String REF_PREFIX = "ref:";

    private void evolve() throws InterruptedException {
        int n = config.population();
        List<Phenotype<IntegerGene, Vec<double[]>>> init = new ArrayList<>(n);
        if (config.seedReferences()) {
            for (int[] genes : seeds(n / 2)) {
                init.add(Phenotype.of(codec.genotype(genes), 1));
            }
        }
        while (init.size() < n) {
            init.add(Phenotype.of(randomValid(), 1));
        }
        ISeq<Phenotype<IntegerGene, Vec<double[]>>> pop = evaluate(ISeq.of(init), 1);
        generationDone(1);
        for (int g = 2; g <= config.generations(); g++) {
            ISeq<Phenotype<IntegerGene, Vec<double[]>>> mating = parents.select(pop, n, MAX);
            ISeq<Phenotype<IntegerGene, Vec<double[]>>> offspring = alterer.alter(mating, g).population();
            offspring = evaluate(repair(offspring, g), g);
            pop = survivors.select(pop.append(offspring), n, MAX);
            generationDone(g);
        }
    }

    /**
     * The warm start: the gene vectors of the references that are points of the space, then one-gene mutants of them
     * (round robin over the references) until {@code limit} vectors, all decoding to distinct architectures.
     */
    private List<int[]> seeds(int limit) {
        List<int[]> refs = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Candidate<T> r : space.references()) {
            var found = ReferenceSeeds.find(space, r, config.seed());
            if (found.isPresent() && keys.add(decodeOrThrow(codec.genotype(found.get())).key())) {
                refs.add(found.get());
                listener.onNote("seeded the first generation with reference " + r.label());
            } else if (found.isEmpty()) {
                listener.onNote("reference " + r.label() + " is not a point of the space; not seeded");
            }
        }
        List<int[]> out = new ArrayList<>(refs.subList(0, Math.min(refs.size(), limit)));
        if (refs.isEmpty() || out.size() >= limit) {
            return out;
        }
        int perRef = (limit - out.size() + refs.size() - 1) / refs.size();
        List<List<int[]>> mutants = new ArrayList<>();
        for (int[] r : refs) {
            mutants.add(ReferenceSeeds.mutants(space, r, perRef, RandomRegistry.random()));
        }
        for (int i = 0; out.size() < limit && i < perRef; i++) {
            for (List<int[]> m : mutants) {
                if (i < m.size() && out.size() < limit && keys.add(decodeOrThrow(codec.genotype(m.get(i))).key())) {
                    out.add(m.get(i));
                }
            }
        }
        return out;
    }

    /** Replaces every unevaluated phenotype the space rejects by a fresh random valid one. */
    private ISeq<Phenotype<IntegerGene, Vec<double[]>>> repair(ISeq<Phenotype<IntegerGene, Vec<double[]>>> pop,
            int generation) {
        return pop.map(p -> p.isEvaluated() || candidate(p.genotype()) != null ? p
                : Phenotype.of(randomValid(), generation));
    }

    private Genotype<IntegerGene> randomValid() {
        String last = "";
        for (int i = 0; i < config.maxResamples(); i++) {
            Genotype<IntegerGene> gt = codec.newInstance();
            try {
                decodeOrThrow(gt);
                return gt;
            } catch (CandidateRejectedException e) {
                last = e.getMessage();
            }
        }
        throw new IllegalStateException("the space '" + space.name() + "' rejected " + config.maxResamples()
                + " random gene vectors in a row (last: " + last + "); its constraints leave (almost) nothing valid");
    }

    /** The decoded candidate, or null (counted as a rejection) when the space rejects the genotype. */
    private Candidate<T> candidate(Genotype<IntegerGene> gt) {
        try {
            return decodeOrThrow(gt);
        } catch (CandidateRejectedException e) {
            return null;
        }
    }

    private Candidate<T> decodeOrThrow(Genotype<IntegerGene> gt) {
        int[] genes = codec.genes(gt);
        List<Integer> key = java.util.Arrays.stream(genes).boxed().toList();
        Candidate<T> c = decoded.get(key);
        if (c != null) {
            return c;
        }
        try {
            c = space.decode(genes);
        } catch (CandidateRejectedException e) {
            rejected++;
            throw e;
        }
        decoded.put(key, c);
        return c;
    }

    private ISeq<Phenotype<IntegerGene, Vec<double[]>>> evaluate(ISeq<Phenotype<IntegerGene, Vec<double[]>>> pop,
            int generation) throws InterruptedException {
        List<Candidate<T>> cs = new ArrayList<>();
        for (Phenotype<IntegerGene, Vec<double[]>> p : pop) {
            if (p.nonEvaluated()) {
                cs.add(decodeOrThrow(p.genotype()));
            }
        }
        evaluate(cs, generation, false);
        return pop.map(p -> p.isEvaluated() ? p : p.withFitness(fitness(decodeOrThrow(p.genotype()).key())));
    }

    private Vec<double[]> fitness(String key) {
        Trial t = committed.get(key);
        if (t == null) {
            throw new IllegalStateException("no evaluation recorded for " + key);
        }
        return Fitness.of(top(t).evaluation(), config.constraints(), config.depthObjective(), config.speed());
    }

    /** The trial as seen on the highest rung it trained on successfully (itself without such rungs). */
    Trial top(Trial t) {
        return Rungs.top(t, rungResults.getOrDefault(t.key(), Map.of()));
    }

    /**
     * Assigns trial ids in first-met order, then evaluates the candidates not yet in the store, then (multi-fidelity)
     * promotes the candidates first met here rung by rung.
     */
    private void evaluate(List<Candidate<T>> cs, int generation, boolean reference) throws InterruptedException {
        List<Candidate<T>> fresh = new ArrayList<>();
        List<Candidate<T>> batch = new ArrayList<>();
        Set<String> inBatch = new HashSet<>();
        for (Candidate<T> c : cs) {
            Integer id = ids.get(c.key());
            if (id != null) {
                cacheHits++;
                continue;
            }
            id = ids.size();
            ids.put(c.key(), id);
            fresh.add(c);
            Trial stored = committed.get(c.key());
            if (stored != null) {
                if (stored.id() != id) {
                    throw new IllegalStateException(store.file() + " does not belong to this search: candidate "
                            + c.key() + " is trial " + stored.id() + " there, but the search met it as trial " + id
                            + " (was the seed, population or space changed?)");
                }
            } else if (inBatch.add(c.key())) {
                batch.add(c);
            }
        }
        if (!batch.isEmpty()) {
            backend.evaluateAll(batch, o -> commit(o, generation, reference));
            for (Candidate<T> c : batch) {
                if (!committed.containsKey(c.key())) {
                    throw new IllegalStateException("the evaluation backend did not report candidate " + c.key());
                }
            }
        }
        if (config.rungs().multiFidelity()) {
            climb(fresh);
        }
    }

    /**
     * Successive halving over the rungs for the candidates first met in one batch: of those that trained on rung r,
     * {@link RungPlan#promoted} are chosen by {@link Promotion} and trained on rung r + 1. Everything is a function of
     * stored results, so a replay (resume) promotes the same candidates and trains only the missing rung results.
     */
    private void climb(List<Candidate<T>> fresh) throws InterruptedException {
        RungPlan plan = config.rungs();
        List<Candidate<T>> pool = new ArrayList<>();
        for (Candidate<T> c : fresh) {
            if (committed.get(c.key()).evaluation().feasible()) {
                pool.add(c);
            }
        }
        for (int r = 1; r < plan.size() && !pool.isEmpty(); r++) {
            final int prev = r - 1;
            Map<String, Candidate<T>> byKey = new java.util.LinkedHashMap<>();
            List<Promotion.Entry> entries = new ArrayList<>();
            for (Candidate<T> c : pool) {
                Evaluation e = rungEvaluation(c.key(), prev);
                byKey.put(c.key(), c);
                entries.add(new Promotion.Entry(c.key(), e.accuracy(), config.speed().cost(e)));
            }
            List<Candidate<T>> promoted = Promotion.select(entries, plan.promoted(entries.size())).stream()
                    .map(byKey::get).toList();
            final int rung = r;
            List<Candidate<T>> missing = promoted.stream()
                    .filter(c -> !rungResults.getOrDefault(c.key(), Map.of()).containsKey(rung)).toList();
            if (!missing.isEmpty()) {
                backend.evaluateAll(missing, rung, o -> commitRung(o, rung));
                for (Candidate<T> c : missing) {
                    if (!rungResults.getOrDefault(c.key(), Map.of()).containsKey(rung)) {
                        throw new IllegalStateException("the evaluation backend did not report rung " + rung
                                + " of candidate " + c.key());
                    }
                }
            }
            pool = promoted.stream().filter(c -> rungEvaluation(c.key(), rung).feasible()).toList();
        }
    }

    /** The candidate's evaluation on rung {@code r} (0 = its trial), latency from its cost. */
    private Evaluation rungEvaluation(String key, int r) {
        Trial t = committed.get(key);
        return r == 0 ? t.evaluation() : rungResults.get(key).get(r).evaluation();
    }

    private void commitRung(EvaluationBackend.Outcome<T> o, int rung) {
        Candidate<T> c = o.candidate();
        Trial t = committed.get(c.key());
        Evaluation e = Rungs.onRung(t.evaluation(), o.evaluation());
        RungResult g = new RungResult(t.id(), rung, config.rungs().rungs().get(rung), e, o.started(), o.finished());
        Map<Integer, RungResult> m = rungResults.computeIfAbsent(c.key(), k -> new ConcurrentHashMap<>());
        if (m.putIfAbsent(rung, g) != null) {
            throw new IllegalStateException("rung " + rung + " of candidate " + c.key() + " was reported twice");
        }
        store.insertRung(g);
        synchronized (this) {
            evaluatedNow++;
        }
        listener.onRung(t, g);
    }

    private void commit(EvaluationBackend.Outcome<T> o, int generation, boolean reference) {
        Candidate<T> c = o.candidate();
        int id;
        synchronized (ids) {
            id = ids.get(c.key());
        }
        Evaluation e = config.constraints().apply(o.evaluation());
        Trial t = new Trial(id, generation, reference, c.genes(), c.key(), c.label(), c.description(), e, o.started(),
                o.finished());
        if (committed.putIfAbsent(c.key(), t) != null) {
            throw new IllegalStateException("candidate " + c.key() + " was reported twice by the evaluation backend");
        }
        store.insert(t);
        synchronized (this) {
            evaluatedNow++;
        }
        listener.onTrial(t);
    }

    private void generationDone(int g) {
        generationsDone = g;
        List<Trial> all = new ArrayList<>();
        for (Trial t : committed.values()) {
            all.add(top(t));
        }
        List<Trial> front = ParetoFront.of(all, config.speed());
        double bestAcc = Double.NaN, fastest = Double.NaN;
        for (Trial t : all) {
            if (!t.reference() && t.evaluation().feasible()) {
                bestAcc = Double.isNaN(bestAcc) ? t.evaluation().accuracy() : Math.max(bestAcc, t.evaluation().accuracy());
                fastest = Double.isNaN(fastest) ? t.evaluation().latencySeconds()
                        : Math.min(fastest, t.evaluation().latencySeconds());
            }
        }
        boolean replayed = preloaded > 0 && evaluatedNow == 0;
        GenerationStats s = new GenerationStats(g, config.generations(), front.size(), bestAcc, fastest, ids.size(),
                rejected, cacheHits, replayed, elapsed());
        store.putGeneration(s);
        listener.onGeneration(s);
    }
}
