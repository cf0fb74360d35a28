package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.Packing;
import io.henas.ir.Architecture;
import io.henas.space.Objective;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;

/** search-spaces/fashion-throughput.yaml: a throughput space whose points compile under batch packing. */
class FashionThroughputSpaceTest {
    private static final SearchSpace SPACE = SpaceLoader.load(Path.of("search-spaces/fashion-throughput.yaml"));

    @Test
    void itOptimisesThroughputWithBatchPackingAndEveryVectorDecodes() {
        assertEquals(List.of(Objective.ACCURACY, Objective.THROUGHPUT), SPACE.search().objectives());
        assertEquals("batch", SPACE.he().packing());
        assertEquals(Packing.BATCH, HenasEvaluator.packing(SPACE));
        assertEquals(SpeedObjective.THROUGHPUT, HenasEvaluator.speed(SPACE));
        assertEquals(11, SPACE.genes().size());
        Set<String> types = new HashSet<>();
        int n = 0;
        int[] g = new int[SPACE.genes().size()];
        while (true) {
            Architecture a = SPACE.decode(g);
            types.add(SearchSpace.canonicalKey(a).contains("dw") ? "separable" : "plain");
            n++;
            int i = g.length - 1;
            while (i >= 0 && ++g[i] == SPACE.genes().get(i).cardinality()) {
                g[i] = 0;
                i--;
            }
            if (i < 0) {
                break;
            }
        }
        assertEquals(10240, n, "every gene vector decodes");
        assertEquals(java.math.BigInteger.valueOf(10240), SPACE.size());
        assertEquals(Set.of("separable", "plain"), types, "depthwise-separable blocks are points of the space");
    }

    @Test
    void theReferenceAndASeparablePointCompileUnderBatchPacking() {
        Architecture ref = SPACE.references().get(0);
        assertEquals("cryptonets-like", ref.name());
        HePlan plan = HePlan.compile(ref.lower(), CompileOptions.defaults(true), Packing.BATCH);
        assertEquals(Packing.BATCH, plan.packing());
        assertEquals(0, plan.galoisSteps().length, "batch packing needs no rotation");
        assertTrue(plan.logN() <= SPACE.search().maxLogN().orElseThrow(), "within max_logn: " + plan.logN());
        // stem 8 ch k5 poly2 (no pool), separable 16 ch k3 square, hidden 32 square
        Architecture sep = SPACE.decode(new int[] {2, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0});
        assertTrue(SearchSpace.canonicalKey(sep).contains("dw"), SearchSpace.canonicalKey(sep));
        HePlan sp = HePlan.compile(sep.lower(), CompileOptions.defaults(true), Packing.BATCH);
        assertEquals(Packing.BATCH, sp.packing());
        assertEquals(0, sp.galoisSteps().length);
        assertTrue(sp.depth() > plan.depth(), "one more stage, more levels: " + sp.depth() + " vs " + plan.depth());
    }

    @Test
    void theHandWrittenModelIsAPointOfTheSpaceSoTheSearchStartsFromIt() {
        SpaceCandidates cs = new SpaceCandidates(SPACE);
        assertEquals(List.of("cryptonets-like", "hand-c10p2h128"),
                cs.references().stream().map(c -> c.value().name()).toList());
        assertTrue(SPACE.search().seedReferences(), "the search is warm-started from the references");
        // CryptoNets' network has no batch-norm and the space always has it: compared in reports, not seeded
        assertTrue(ReferenceSeeds.find(cs, cs.references().get(0), 42).isEmpty());
        Candidate<Architecture> handRef = cs.references().get(1);
        int[] genes = ReferenceSeeds.find(cs, EvolutionLoop.referenceKeyed(handRef), 42).orElseThrow(
                () -> new AssertionError(handRef.label() + " is not a point of the space"));
        assertEquals(handRef.key(), cs.decode(genes).key());
        // the hand-written batch model: pooled 10-channel stem, 128 hidden units, one level per activation; the
        // reference is written out in the space, so it must stay the network the experiment trains
        Architecture hand = SPACE.references().get(1);
        SearchSpace net = SpaceLoader.load(Path.of("experiments/fashion-throughput/net.yaml"));
        assertEquals(SearchSpace.canonicalKey(net.fixed()), SearchSpace.canonicalKey(hand),
                "the reference is experiments/fashion-throughput/net.yaml");
        HePlan plan = HePlan.compile(hand.lower(), CompileOptions.defaults(true), Packing.BATCH);
        assertEquals(0, plan.galoisSteps().length);
        assertEquals(13, plan.logN());
    }
}
