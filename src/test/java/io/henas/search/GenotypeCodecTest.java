package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.util.RandomRegistry;

class GenotypeCodecTest {
    private final GenotypeCodec codec = new GenotypeCodec(new int[] {3, 1, 5, 2});

    @Test
    void roundTripsEveryChoiceVector() {
        for (int a = 0; a < 3; a++) {
            for (int c = 0; c < 5; c++) {
                for (int d = 0; d < 2; d++) {
                    int[] g = {a, 0, c, d};
                    Genotype<IntegerGene> gt = codec.genotype(g);
                    assertTrue(gt.isValid());
                    assertArrayEquals(g, codec.genes(gt));
                }
            }
        }
        assertEquals(30, codec.size());
        assertEquals(Long.MAX_VALUE, new GenotypeCodec(new int[] {1 << 30, 1 << 30, 1 << 30}).size());
    }

    @Test
    void randomGenotypesCoverEachGenesOwnRangeAndNothingElse() {
        int[][] seen = new int[4][5];
        RandomRegistry.with(new SplittableRandom(1)).run(() -> {
            for (int i = 0; i < 2000; i++) {
                int[] g = codec.genes(codec.newInstance());
                for (int j = 0; j < 4; j++) {
                    seen[j][g[j]]++;
                }
            }
        });
        int[] card = codec.cardinalities();
        for (int j = 0; j < 4; j++) {
            for (int v = 0; v < 5; v++) {
                if (v < card[j]) {
                    assertTrue(seen[j][v] > 0, "gene " + j + " never took " + v);
                } else {
                    assertEquals(0, seen[j][v], "gene " + j + " took out-of-range " + v);
                }
            }
        }
    }

    @Test
    void badInputIsRejectedWithTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.genotype(new int[] {0, 0, 5, 0}));
        assertEquals("gene 2 must be in [0, 5), but was 5", e.getMessage());
        assertEquals("gene vector must have 4 genes, but had 2",
                assertThrows(IllegalArgumentException.class, () -> codec.genotype(new int[] {0, 0})).getMessage());
        assertEquals("gene 1 must have >= 1 choices, but had 0",
                assertThrows(IllegalArgumentException.class, () -> new GenotypeCodec(new int[] {2, 0})).getMessage());
    }
}
