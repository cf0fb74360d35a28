package io.henas.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.henas.ir.Architecture;
import io.henas.ir.NetWeights;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;

class PlanCodecTest {
    static void assertSamePlan(HePlan a, HePlan b, String id) {
        assertEquals(a.fingerprint(), b.fingerprint(), id);
        assertEquals(a.parameters(), b.parameters(), id);
        assertEquals(a.instructionCount(), b.instructionCount(), id);
        assertEquals(a.outputAffine(), b.outputAffine(), id);
        assertEquals(a.plaintexts(), b.plaintexts(), id);
        assertEquals(a.affines(), b.affines(), id);
        assertEquals(a.layouts(), b.layouts(), id);
        for (int id2 = 0; id2 < a.net().nodes().size(); id2++) {
            assertEquals(a.nodeLayout(id2), b.nodeLayout(id2), id);
            assertEquals(a.nodeAffine(id2), b.nodeAffine(id2), id);
            assertEquals(a.nodeDepth(id2), b.nodeDepth(id2), id);
            assertEquals(a.nodeLevels(id2), b.nodeLevels(id2), id);
        }
        for (int r = 0; r < a.registerCount(); r++) {
            assertEquals(a.lastUse(r), b.lastUse(r), id);
        }
        assertArrayEquals(a.galoisSteps(), b.galoisSteps(), id);
    }

    @Test
    void everyShippedSpacePlanRoundTrips() throws Exception {
        int n = 0;
        for (String f : List.of("fashion-cnn", "fashion-mobile", "fashion-squeezenet", "fashion-hybrid",
                "cifar10-squeezenet", "quickstart")) {
            SearchSpace space = SpaceLoader.load(Path.of("search-spaces", f + ".yaml"));
            List<Architecture> archs = new java.util.ArrayList<>(space.references());
            if (space.isFixed()) {
                archs.add(space.fixed());
            } else {
                SplittableRandom rnd = new SplittableRandom(f.hashCode());
                for (int i = 0; i < 3; i++) {
                    int[] g = new int[space.genes().size()];
                    for (int j = 0; j < g.length; j++) {
                        g[j] = rnd.nextInt(space.genes().get(j).cardinality());
                    }
                    try {
                        archs.add(space.decode(g));
                    } catch (RuntimeException invalid) {
                        // not a valid candidate
                    }
                }
            }
            for (Architecture a : archs) {
                for (boolean merge : new boolean[]{true, false}) {
                    HePlan p;
                    try {
                        p = HePlan.compile(a.lower(), CompileOptions.defaults(merge));
                    } catch (HeCompileException tooDeep) {
                        continue;
                    }
                    HePlan q = PlanCodec.decode(PlanCodec.encode(p), p.net(), p.options(), p.parameters());
                    assertSamePlan(p, q, f + " " + a.name() + " merge=" + merge);
                    n++;
                }
            }
        }
        assertTrue(n > 20, "only " + n + " plans");
    }

    @Test
    void storedPlanRunsLikeTheCompiledOne() throws Exception {
        Architecture a = PlanSimulatorTest.nets().getFirst();
        HePlan p = HePlan.compileInsecure(a.lower(), CompileOptions.defaults(true), 12);
        HePlan q = PlanCodec.decode(PlanCodec.encode(p), p.net(), p.options(), p.parameters());
        NetWeights w = TestNets.randomWeights(p.net(), 3);
        double[] x = TestNets.randomInput(p.net().node(0).shape(), 4);
        assertArrayEquals(PlanSimulator.run(new PlanBinding(p, w), x).logits(),
                PlanSimulator.run(new PlanBinding(q, w), x).logits(), 0.0);
    }

    @Test
    void damagedPlansAreRefusedOrChangeTheFingerprint() throws Exception {
        Architecture a = PlanSimulatorTest.nets().getFirst();
        HePlan p = HePlan.compile(a.lower(), CompileOptions.defaults(true));
        Map<String, byte[]> bad = PlanMutations.of(p);
        assertTrue(bad.size() >= 30, "only " + bad.size() + " mutations");
        int refused = 0;
        for (var e : bad.entrySet()) {
            try {
                HePlan q = PlanCodec.decode(e.getValue(), p.net(), p.options(), p.parameters());
                assertNotEquals(p.fingerprint(), q.fingerprint(), e.getKey() + " was accepted unchanged");
            } catch (PlanFormatException ex) {
                assertTrue(ex.getMessage().length() > 20 && !ex.getMessage().contains("null"),
                        e.getKey() + ": " + ex.getMessage());
                refused++;
            }
        }
        assertTrue(refused >= bad.size() - 3, "refused only " + refused + " of " + bad.size());
    }
}
