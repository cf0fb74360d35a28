package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGeneratorFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.ir.Architecture;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;

/** The warm start: reference architectures are found as gene vectors and seed the first generation. */
class ReferenceSeedsTest {
    @TempDir
    Path dir;

    @Test
    void theExpertDesignOfTheHybridSpaceIsFoundAsAGeneVector() {
        SearchSpace space = SpaceLoader.load(Path.of("search-spaces/fashion-hybrid.yaml"));
        SpaceCandidates cs = new SpaceCandidates(space);
        Candidate<Architecture> ref = cs.references().getFirst();
        int[] genes = ReferenceSeeds.find(cs, EvolutionLoop.referenceKeyed(ref), 42).orElseThrow();
        assertEquals(ref.key(), cs.decode(genes).key());
        assertArrayEquals(genes, ReferenceSeeds.find(cs, ref, 42).orElseThrow(), "a function of the seed");
    }

    @Test
    void referencesOutsideTheSpaceAreNotApproximated() {
        SearchSpace hybrid = SpaceLoader.load(Path.of("search-spaces/fashion-hybrid.yaml"));
        SearchSpace squeeze = SpaceLoader.load(Path.of("search-spaces/fashion-squeezenet.yaml"));
        SpaceCandidates cs = new SpaceCandidates(hybrid);
        for (Candidate<Architecture> foreign : new SpaceCandidates(squeeze).references()) {
            assertTrue(ReferenceSeeds.find(cs, foreign, 1).isEmpty(), foreign.label());
        }
    }

    @Test
    void mutantsDifferInOneGeneAndDecodeToNewArchitectures() {
        SearchSpace space = SpaceLoader.load(Path.of("search-spaces/fashion-hybrid.yaml"));
        SpaceCandidates cs = new SpaceCandidates(space);
        int[] ref = ReferenceSeeds.find(cs, cs.references().getFirst(), 42).orElseThrow();
        List<int[]> ms = ReferenceSeeds.mutants(cs, ref, 8,
                RandomGeneratorFactory.of("L64X256MixRandom").create(3));
        assertEquals(8, ms.size());
        Set<String> keys = new HashSet<>(List.of(cs.decode(ref).key()));
        for (int[] m : ms) {
            int changed = 0;
            for (int g = 0; g < m.length; g++) {
                changed += m[g] != ref[g] ? 1 : 0;
            }
            assertEquals(1, changed, Arrays.toString(m));
            assertTrue(keys.add(cs.decode(m).key()), "distinct architectures");
        }
    }

    @Test
    void editDistanceCountsTokenEdits() {
        assertEquals(0, ReferenceSeeds.editDistance(List.of("a", "b"), List.of("a", "b")));
        assertEquals(1, ReferenceSeeds.editDistance(List.of("a", "b"), List.of("a", "c")));
        assertEquals(2, ReferenceSeeds.editDistance(List.of("a", "b", "c"), List.of("a")));
        assertEquals(3, ReferenceSeeds.editDistance(List.of(), List.of("x", "y", "z")));
    }

    /** Genes (a, b, c, d) in [0, 6)^4; the reference is (4, 1, 5, 2); the evaluator records the first generation. */
    static final class Grid implements CandidateSpace<int[]> {
        public String name() { return "grid"; }
        public int[] cardinalities() { return new int[] {6, 6, 6, 6}; }
        public Candidate<int[]> decode(int[] g) {
            StringBuilder key = new StringBuilder();
            for (int x : g) {
                key.append(key.isEmpty() ? "" : " ").append("v").append(x);
            }
            return new Candidate<>(Arrays.stream(g).boxed().toList(), key.toString(), "g", "d", g.clone());
        }
        public List<Candidate<int[]>> references() {
            return List.of(new Candidate<>(List.of(), "v4 v1 v5 v2", "expert", "d", new int[] {4, 1, 5, 2}),
                    new Candidate<>(List.of(), "v9 v9", "foreign", "d", new int[0]));
        }
    }

    @Test
    void aSeededSearchStartsFromTheReferenceAndItsNeighbours() throws Exception {
        List<String> firstGeneration = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        CandidateEvaluator<int[]> ev = c -> {
            synchronized (firstGeneration) {
                firstGeneration.add(c.key());
            }
            return Evaluation.ok(c.value().length == 4 ? c.value()[0] / 5.0 : 0.5, 1 + c.value().length, 0, 0, 0);
        };
        ProgressListener listener = new ProgressListener() {
            @Override
            public void onNote(String line) {
                notes.add(line);
            }
        };
        SearchRunner.run(new Grid(), ev, SearchConfig.builder(dir).population(8).generations(1).seed(5).threads(1)
                .seedReferences(true).build(), listener);
        // the two references are evaluated first (ref: keys), then the population: the expert, 3 mutants, 4 random
        List<String> pop = firstGeneration.subList(2, firstGeneration.size());
        assertTrue(pop.contains("v4 v1 v5 v2"), pop.toString());
        long neighbours = pop.stream().filter(k -> !k.equals("v4 v1 v5 v2"))
                .filter(k -> ReferenceSeeds.editDistance(ReferenceSeeds.tokens(k), List.of("v4", "v1", "v5", "v2")) == 1)
                .count();
        assertTrue(neighbours >= 3, pop.toString());
        assertEquals(List.of("seeded the first generation with reference expert",
                "reference foreign is not a point of the space; not seeded"), notes);
    }

    @Test
    void anUnseededSearchIgnoresTheReferencesGenes() throws Exception {
        List<String> seen = new ArrayList<>();
        CandidateEvaluator<int[]> ev = c -> {
            synchronized (seen) {
                seen.add(c.key());
            }
            return Evaluation.ok(0.5, 1, 0, 0, 0);
        };
        SearchRunner.run(new Grid(), ev, SearchConfig.builder(dir).population(4).generations(1).seed(5).threads(1)
                .build(), ProgressListener.NONE);
        assertFalse(seen.subList(2, seen.size()).contains("v4 v1 v5 v2"), seen.toString());
    }
}
