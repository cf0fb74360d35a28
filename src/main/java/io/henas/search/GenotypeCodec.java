package io.henas.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.jenetics.Chromosome;
import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.util.Factory;

/**
 * Integer genotype of a space with per-gene choice counts: one {@link IntegerChromosome} of length 1 per gene, gene
 * {@code i} ranging over {@code [0, cardinalities[i])}. (Jenetics requires all genes of one chromosome to share a
 * range, so per-gene ranges need one chromosome per gene; {@link GeneUniformCrossover} therefore recombines across
 * chromosomes.) Random genotypes come from Jenetics' {@code RandomRegistry}.
 */
public final class GenotypeCodec implements Factory<Genotype<IntegerGene>> {
    private final int[] cardinalities;
    private final Genotype<IntegerGene> template;

    /** @param cardinalities choices per gene, each &gt;= 1; at least one gene */
    public GenotypeCodec(int[] cardinalities) {
        if (cardinalities.length == 0) {
            throw new IllegalArgumentException("a search space needs at least one gene, but had none");
        }
        this.cardinalities = cardinalities.clone();
        List<IntegerChromosome> cs = new ArrayList<>();
        for (int i = 0; i < cardinalities.length; i++) {
            if (cardinalities[i] < 1) {
                throw new IllegalArgumentException("gene " + i + " must have >= 1 choices, but had " + cardinalities[i]);
            }
            cs.add(IntegerChromosome.of(IntegerGene.of(0, 0, cardinalities[i])));
        }
        this.template = Genotype.of(cs);
    }

    /** Choices per gene. */
    public int[] cardinalities() {
        return cardinalities.clone();
    }

    /** Number of genes. */
    public int length() {
        return cardinalities.length;
    }

    /** Size of the genotype space (product of the cardinalities, saturating at {@link Long#MAX_VALUE}). */
    public long size() {
        long n = 1;
        for (int c : cardinalities) {
            try {
                n = Math.multiplyExact(n, c);
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    /** A uniformly random genotype (randomness from {@code RandomRegistry}). */
    @Override
    public Genotype<IntegerGene> newInstance() {
        return template.newInstance();
    }

    /** The genotype of a choice vector. */
    public Genotype<IntegerGene> genotype(int[] genes) {
        if (genes.length != cardinalities.length) {
            throw new IllegalArgumentException("gene vector must have " + cardinalities.length + " genes, but had "
                    + genes.length);
        }
        List<IntegerChromosome> cs = new ArrayList<>(genes.length);
        for (int i = 0; i < genes.length; i++) {
            if (genes[i] < 0 || genes[i] >= cardinalities[i]) {
                throw new IllegalArgumentException("gene " + i + " must be in [0, " + cardinalities[i] + "), but was "
                        + genes[i]);
            }
            cs.add(IntegerChromosome.of(IntegerGene.of(genes[i], 0, cardinalities[i])));
        }
        return Genotype.of(cs);
    }

    /** The choice vector of a genotype. */
    public int[] genes(Genotype<IntegerGene> genotype) {
        if (genotype.length() != cardinalities.length) {
            throw new IllegalArgumentException("genotype must have " + cardinalities.length + " chromosomes, but had "
                    + genotype.length());
        }
        int[] out = new int[genotype.length()];
        for (int i = 0; i < out.length; i++) {
            Chromosome<IntegerGene> c = genotype.get(i);
            out[i] = c.gene().intValue();
        }
        return out;
    }

    @Override
    public String toString() {
        return "GenotypeCodec" + Arrays.toString(cardinalities);
    }
}
