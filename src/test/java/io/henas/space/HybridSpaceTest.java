package io.henas.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.henas.ir.Architecture;

/** search-spaces/fashion-hybrid.yaml: rungs, optional stages, and the expert design as a point of the space. */
class HybridSpaceTest {
    static final SearchSpace SPACE = SpaceLoader.load(Path.of("search-spaces/fashion-hybrid.yaml"));

    /** The gene vector whose chosen values are {@code want} (by gene path); other genes at their first choice. */
    static int[] vector(SearchSpace s, Map<String, Object> want) {
        List<Gene> genes = s.genes();
        int[] v = new int[genes.size()];
        for (int i = 0; i < genes.size(); i++) {
            Object w = want.get(genes.get(i).path());
            if (w != null) {
                int idx = genes.get(i).choices().indexOf(w);
                assertTrue(idx >= 0, genes.get(i).path() + " has no choice " + w + ": " + genes.get(i).choices());
                v[i] = idx;
            }
        }
        return v;
    }

    @Test
    void theExpertDesignIsAPointOfTheSpaceAndItsReference() {
        Map<String, Object> expert = Map.ofEntries(
                Map.entry("stages[0].blocks[0].channels", 32), Map.entry("stages[0].blocks[0].kernel", 5),
                Map.entry("stages[0].blocks[0].stride", 2), Map.entry("stages[0].blocks[0].activation", "poly2"),
                Map.entry("stages[0].pool", "none"),
                Map.entry("stages[1].blocks[0].type", "conv"), Map.entry("stages[1].blocks[0].channels", 64),
                Map.entry("stages[1].blocks[0].kernel", 3), Map.entry("stages[1].blocks[0].stride", 2),
                Map.entry("stages[1].blocks[0].activation", "poly2"), Map.entry("stages[1].blocks[0].repeats", 1),
                Map.entry("stages[1].pool", "none"),
                Map.entry("stages[2].blocks[0].repeats", 0), Map.entry("stages[3].blocks[0].repeats", 0),
                Map.entry("head.type", "flatten-dense"));
        Architecture a = SPACE.decode(vector(SPACE, expert));
        Architecture ref = SPACE.references().get(0);
        assertEquals("fashion-best", ref.name());
        assertEquals(SearchSpace.canonicalKey(ref), SearchSpace.canonicalKey(a));
        Architecture best = SpaceLoader.load(Path.of("experiments/fashion-best/net.yaml")).fixed();
        assertEquals(SearchSpace.canonicalKey(best), SearchSpace.canonicalKey(ref));
    }

    @Test
    void rungsPromoteAndTheProxyComeFromTrainRungs() {
        assertEquals(2, SPACE.rungs().size());
        assertEquals(0.34, SPACE.promote());
        assertEquals(SPACE.rungs().get(0), SPACE.proxy());
        // the first rung measured to rank like the full epoch budget (tau 0.67 on 12 candidates; 15,000 x 2 gave 0.47)
        assertEquals(30_000, SPACE.proxy().trainImages());
        assertEquals(1, SPACE.proxy().epochs());
        TrainBudget top = SPACE.rungs().get(1);
        assertEquals(55_000, top.trainImages());
        assertEquals(4, top.epochs());
        assertEquals(5_000, top.validationImages(), "inherited from rung 0");
        assertEquals(0.002, top.learningRate(), "inherited from rung 0");
        assertEquals(60_000, SPACE.full().trainImages());
        assertTrue(SpaceLoader.load(Path.of("search-spaces/fashion-mobile.yaml")).rungs().isEmpty());
    }

    @Test
    void zeroRepeatsRemoveAStage() {
        Map<String, Object> two = Map.of("stages[2].blocks[0].repeats", 0, "stages[3].blocks[0].repeats", 0);
        Map<String, Object> four = Map.of("stages[2].blocks[0].repeats", 1, "stages[3].blocks[0].repeats", 1);
        int n2 = SPACE.decode(vector(SPACE, two)).layers().size();
        int n4 = SPACE.decode(vector(SPACE, four)).layers().size();
        assertTrue(n4 > n2, n2 + " vs " + n4);
    }
}
