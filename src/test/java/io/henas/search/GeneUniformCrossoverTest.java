package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.jenetics.AltererResult;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.Phenotype;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;

class GeneUniformCrossoverTest {
    private final GenotypeCodec codec = new GenotypeCodec(new int[] {4, 4, 4, 4, 4, 4, 4, 4});

    private Phenotype<IntegerGene, Vec<double[]>> ph(int v) {
        int[] g = new int[8];
        java.util.Arrays.fill(g, v);
        return Phenotype.of(codec.genotype(g), 1, Vec.of(0.0, 0.0));
    }

    @Test
    void childrenMixTheirParentsGenesPositionByPosition() {
        ISeq<Phenotype<IntegerGene, Vec<double[]>>> parents = ISeq.of(ph(1), ph(3));
        List<int[]> children = new ArrayList<>();
        RandomRegistry.with(new SplittableRandom(3)).run(() -> {
            for (int i = 0; i < 50; i++) {
                AltererResult<IntegerGene, Vec<double[]>> r = new GeneUniformCrossover<IntegerGene, Vec<double[]>>(1.0)
                        .alter(parents, 2);
                for (var p : r.population()) {
                    children.add(codec.genes(p.genotype()));
                    if (p.nonEvaluated()) {
                        assertEquals(2, p.generation());
                    }
                }
            }
        });
        int mixed = 0;
        for (int i = 0; i < children.size(); i += 2) {
            int[] a = children.get(i), b = children.get(i + 1);
            boolean hasOne = false, hasThree = false;
            for (int k = 0; k < 8; k++) {
                assertTrue((a[k] == 1 && b[k] == 3) || (a[k] == 3 && b[k] == 1), "position " + k);
                hasOne |= a[k] == 1;
                hasThree |= a[k] == 3;
            }
            mixed += hasOne && hasThree ? 1 : 0;
        }
        assertTrue(mixed >= 45, "uniform crossover should mix nearly every pair, mixed " + mixed + " of 50");
    }

    @Test
    void withProbabilityZeroNothingChangesAndFitnessIsKept() {
        ISeq<Phenotype<IntegerGene, Vec<double[]>>> parents = ISeq.of(ph(0), ph(2));
        AltererResult<IntegerGene, Vec<double[]>> r = RandomRegistry.with(new SplittableRandom(1))
                .call(() -> new GeneUniformCrossover<IntegerGene, Vec<double[]>>(0.0).alter(parents, 2));
        assertEquals(0, r.alterations());
        assertSame(parents.get(0), r.population().get(0));
        assertTrue(r.population().get(1).isEvaluated());
    }

    @Test
    void jeneticsMutatorResetsAboutOneGenePerIndividualAndKeepsRanges() {
        GenotypeCodec mixed = new GenotypeCodec(new int[] {2, 7, 3, 5, 2, 9, 4, 6});
        int[] changed = {0};
        int n = 4000;
        RandomRegistry.with(new SplittableRandom(5)).run(() -> {
            List<Phenotype<IntegerGene, Vec<double[]>>> pop = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pop.add(Phenotype.of(mixed.newInstance(), 1, Vec.of(0.0, 0.0)));
            }
            var out = new Mutator<IntegerGene, Vec<double[]>>(1.0 / 8).alter(ISeq.of(pop), 2).population();
            for (int i = 0; i < n; i++) {
                int[] before = mixed.genes(pop.get(i).genotype());
                int[] after = mixed.genes(out.get(i).genotype());
                assertTrue(out.get(i).genotype().isValid());
                for (int k = 0; k < 8; k++) {
                    changed[0] += before[k] != after[k] ? 1 : 0;
                }
            }
        });
        // resets with probability 1/8 per gene; a reset keeps the value with probability 1/cardinality
        double perIndividual = changed[0] / (double) n;
        assertTrue(perIndividual > 0.6 && perIndividual < 1.0, "changed genes per individual: " + perIndividual);
    }
}
