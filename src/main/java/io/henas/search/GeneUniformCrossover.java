package io.henas.search;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import io.jenetics.Alterer;
import io.jenetics.AltererResult;
import io.jenetics.Chromosome;
import io.jenetics.Gene;
import io.jenetics.Genotype;
import io.jenetics.Phenotype;
import io.jenetics.util.MSeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;

/**
 * Uniform crossover over whole chromosomes (here: one gene each, see {@link GenotypeCodec}). Consecutive pairs of the
 * (randomly ordered, tournament-selected) parents recombine with probability {@code probability}; each gene position
 * is then swapped with probability 1/2. A child equal to its parent keeps the parent's fitness. Jenetics' own
 * crossovers act inside one chromosome and so would do nothing for length-1 chromosomes.
 *
 * @param <G> gene type
 * @param <C> fitness type
 */
final class GeneUniformCrossover<G extends Gene<?, G>, C extends Comparable<? super C>> implements Alterer<G, C> {
    private final double probability;

    GeneUniformCrossover(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("crossover probability must be in [0, 1], but was " + probability);
        }
        this.probability = probability;
    }

    @Override
    public AltererResult<G, C> alter(Seq<Phenotype<G, C>> population, long generation) {
        RandomGenerator random = RandomRegistry.random();
        MSeq<Phenotype<G, C>> pop = MSeq.of(population);
        int alterations = 0;
        for (int i = 0; i + 1 < pop.size(); i += 2) {
            if (random.nextDouble() >= probability) {
                continue;
            }
            Genotype<G> a = pop.get(i).genotype();
            Genotype<G> b = pop.get(i + 1).genotype();
            List<Chromosome<G>> ca = new ArrayList<>(a.length());
            List<Chromosome<G>> cb = new ArrayList<>(b.length());
            for (int k = 0; k < a.length(); k++) {
                boolean swap = random.nextBoolean();
                ca.add(swap ? b.get(k) : a.get(k));
                cb.add(swap ? a.get(k) : b.get(k));
            }
            Genotype<G> childA = Genotype.of(ca);
            Genotype<G> childB = Genotype.of(cb);
            if (!childA.equals(a)) {
                pop.set(i, Phenotype.of(childA, generation));
                alterations++;
            }
            if (!childB.equals(b)) {
                pop.set(i + 1, Phenotype.of(childB, generation));
                alterations++;
            }
        }
        return new AltererResult<>(pop.toISeq(), alterations);
    }

    @Override
    public String toString() {
        return "GeneUniformCrossover[p=" + probability + "]";
    }
}
