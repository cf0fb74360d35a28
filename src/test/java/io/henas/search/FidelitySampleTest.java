package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.data.DataSplit;
import io.henas.data.Datasets;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.ir.Architecture;
import io.henas.ir.Json;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;

/** The rank-fidelity sample: real training of a tiny space on the shipped subset, correlations, resume. */
class FidelitySampleTest {
    @TempDir
    Path dir;

    /** Cost from the compiled plan without a calibration: latency = depth / 10 s (the test needs no CKKS timing). */
    static StagedEvaluator.CostStage<Architecture> planCost() {
        return c -> {
            HePlan p = HePlan.compile(c.value().lower(), CompileOptions.defaults(true));
            return new StagedEvaluator.Cost(p.depth() / 10.0, p.depth(), p.logN());
        };
    }

    @Test
    void trainsEachSampledCandidateOnEveryRungAndCorrelatesWithTheTopRung() throws Exception {
        SearchSpace space = SpaceLoader.load(Path.of("src/test/resources/io/henas/search/fidelity-tiny.yaml"));
        DataSplit data = Datasets.shippedSubset();
        RungPlan plan = HenasEvaluator.fidelityPlan(space, data);
        assertEquals(List.of(new RungPlan.Rung(300, 1), new RungPlan.Rung(1200, 1)), plan.rungs());
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        StagedEvaluator.RungTrainStage<Architecture> rungs = HenasEvaluator.rungTrainStage(space,
                HenasEvaluator.fidelityBudgets(space), data, 3);
        StagedEvaluator<Architecture> ev = new StagedEvaluator<>(planCost(), HenasEvaluator.trainStage(space,
                HenasEvaluator.proxySelection(space, data), 3), (c, r) -> {
                    calls.computeIfAbsent(c.key() + "@" + r, k -> new AtomicInteger()).incrementAndGet();
                    return rungs.train(c, r);
                }, HenasEvaluator.constraints(space), 1, Map.of());
        FidelitySample.Result r;
        try (LocalEvaluationPool<Architecture> pool = new LocalEvaluationPool<>(ev, 2)) {
            r = FidelitySample.run(new SpaceCandidates(space), planCost(), HenasEvaluator.constraints(space), pool,
                    plan, 5, 11, dir, s -> { });
        }
        assertEquals(5, r.candidates().size());
        assertEquals(5, r.candidates().stream().map(FidelitySample.Sampled::key).distinct().count());
        assertEquals(5, calls.size(), "each candidate trained once on rung 1");
        for (FidelitySample.Sampled s : r.candidates()) {
            assertEquals(2, s.accuracy().length);
            assertTrue(s.accuracy()[0] >= 0 && s.accuracy()[0] <= 1 && s.accuracy()[1] >= 0 && s.accuracy()[1] <= 1,
                    s.toString());
        }
        assertEquals(2, r.correlations().size());
        FidelitySample.Correlation top = r.correlations().get(1);
        assertEquals(1.0, top.kendallTau(), 1e-12, "the top rung agrees with itself");
        FidelitySample.Correlation first = r.correlations().get(0);
        assertEquals(5, first.candidates());
        assertTrue(Double.isNaN(first.kendallTau()) || Math.abs(first.kendallTau()) <= 1);
        // the correlations are Kendall/Spearman of the stored accuracies
        double[] x = r.candidates().stream().mapToDouble(s -> s.accuracy()[0]).toArray();
        double[] y = r.candidates().stream().mapToDouble(s -> s.accuracy()[1]).toArray();
        assertEquals(new org.apache.commons.math3.stat.correlation.KendallsCorrelation().correlation(x, y),
                first.kendallTau(), 1e-12);

        Map<String, Object> json = Json.asObject(Json.readFile(dir.resolve(FidelitySample.REPORT)), "fidelity");
        assertEquals(5, ((List<?>) json.get("candidates")).size());
        assertEquals(2, ((List<?>) json.get("correlations_with_reference_rung")).size());
        assertTrue(FidelitySample.table(r).contains("kendall_tau"));

        // a rerun in the same directory trains nothing and reports the same numbers
        calls.clear();
        FidelitySample.Result again;
        try (LocalEvaluationPool<Architecture> pool = new LocalEvaluationPool<>(ev, 2)) {
            again = FidelitySample.run(new SpaceCandidates(space), planCost(), HenasEvaluator.constraints(space), pool,
                    plan, 5, 11, dir, s -> { });
        }
        assertTrue(calls.isEmpty(), "nothing trained again: " + calls.keySet());
        assertEquals(r.correlations(), again.correlations());
        // another seed in the same directory is refused
        try (LocalEvaluationPool<Architecture> pool = new LocalEvaluationPool<>(ev, 2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> FidelitySample.run(new SpaceCandidates(space),
                    planCost(), HenasEvaluator.constraints(space), pool, plan, 5, 12, dir, s -> { }));
            assertTrue(e.getMessage().contains("another fidelity sample"), e.getMessage());
        }
        assertFalse(Files.readString(dir.resolve(FidelitySample.RESULTS)).isBlank());
    }

    @Test
    void anEarlierSampleIsExtendedByALongerRungTrainingOnlyThatRung(@TempDir Path second) throws Exception {
        SearchSpace space = SpaceLoader.load(Path.of("src/test/resources/io/henas/search/fidelity-tiny.yaml"));
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        // synthetic training: accuracy from the key's hash and the budget, no DL4J
        java.util.function.BiFunction<RungPlan, Integer, StagedEvaluator<Architecture>> ev = (plan, unused) -> {
            StagedEvaluator.RungTrainStage<Architecture> rung = (c, r) -> {
                calls.computeIfAbsent(c.key() + "@" + plan.rungs().get(r), k -> new AtomicInteger())
                        .incrementAndGet();
                double a = (Math.floorMod(c.key().hashCode(), 97) + plan.rungs().get(r).trainImages() / 100.0)
                        / 200.0;
                return new StagedEvaluator.Training(true, a, 1.0, "");
            };
            return new StagedEvaluator<>(planCost(), c -> rung.train(c, 0), rung, HenasEvaluator.constraints(space),
                    1, Map.of());
        };
        RungPlan first = new RungPlan(List.of(new RungPlan.Rung(300, 1), new RungPlan.Rung(1200, 1)), 1.0);
        FidelitySample.Result a;
        try (LocalEvaluationPool<Architecture> pool = new LocalEvaluationPool<>(ev.apply(first, 0), 2)) {
            a = FidelitySample.run(new SpaceCandidates(space), planCost(), HenasEvaluator.constraints(space), pool,
                    first, 4, 7, dir, s -> { });
        }
        assertEquals(8, calls.size());
        calls.clear();
        // the same candidates with a longer reference rung: 1200 x 1 is reused, 300 x 1 dropped, 2400 x 3 trained
        RungPlan longer = new RungPlan(List.of(new RungPlan.Rung(1200, 1), new RungPlan.Rung(2400, 3)), 1.0);
        FidelitySample.Result b;
        try (LocalEvaluationPool<Architecture> pool = new LocalEvaluationPool<>(ev.apply(longer, 0), 2)) {
            b = FidelitySample.run(new SpaceCandidates(space), planCost(), HenasEvaluator.constraints(space), pool,
                    longer, 4, 7, second, dir, s -> { });
        }
        assertEquals(a.candidates().stream().map(FidelitySample.Sampled::key).toList(),
                b.candidates().stream().map(FidelitySample.Sampled::key).toList(), "the earlier sample's candidates");
        assertEquals(4, calls.size(), "only the new rung trained: " + calls.keySet());
        assertTrue(calls.keySet().stream().allMatch(k -> k.endsWith("@2400x3")), calls.keySet().toString());
        for (int i = 0; i < 4; i++) {
            assertEquals(a.candidates().get(i).accuracy()[1], b.candidates().get(i).accuracy()[0], 0.0,
                    "the reused 1200 x 1 result");
        }
        assertEquals(dir.normalize().toString(), Json.asObject(Json.readFile(second.resolve(FidelitySample.REPORT)),
                "fidelity").get("candidates_from"));
        // a rerun of the extension trains nothing; a count other than the sample's is refused
        calls.clear();
        try (LocalEvaluationPool<Architecture> pool = new LocalEvaluationPool<>(ev.apply(longer, 0), 2)) {
            FidelitySample.run(new SpaceCandidates(space), planCost(), HenasEvaluator.constraints(space), pool,
                    longer, 4, 7, second, dir, s -> { });
            assertTrue(calls.isEmpty(), calls.keySet().toString());
            var e = assertThrows(IllegalArgumentException.class, () -> FidelitySample.run(new SpaceCandidates(space),
                    planCost(), HenasEvaluator.constraints(space), pool, longer, 5, 7, dir.resolve("x"), dir,
                    s -> { }));
            assertTrue(e.getMessage().contains("--fidelity-sample must equal the 4 candidates"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("x")), "a refused --fidelity-from writes nothing");
        }
    }

    @Test
    void correlationsOfKnownRankings() {
        RungPlan plan = new RungPlan(List.of(new RungPlan.Rung(1, 1), new RungPlan.Rung(2, 1),
                new RungPlan.Rung(3, 1)), 1.0);
        StagedEvaluator.Cost k = new StagedEvaluator.Cost(1, 1, 10);
        List<FidelitySample.Sampled> cs = List.of(
                new FidelitySample.Sampled("a", "a", List.of(), k, new double[] {0.1, 0.4, 0.2}, new double[] {1, 2, 3}),
                new FidelitySample.Sampled("b", "b", List.of(), k, new double[] {0.2, 0.3, 0.4}, new double[] {1, 2, 3}),
                new FidelitySample.Sampled("c", "c", List.of(), k, new double[] {0.3, 0.2, 0.6}, new double[] {1, 2, 3}),
                new FidelitySample.Sampled("d", "d", List.of(), k, new double[] {0.4, 0.1, 0.8}, new double[] {1, 2, 5}));
        List<FidelitySample.Correlation> c = FidelitySample.correlations(cs, plan);
        assertEquals(1.0, c.get(0).kendallTau(), 1e-12);   // same order as the top rung
        assertEquals(1.0, c.get(0).spearman(), 1e-12);
        assertEquals(-1.0, c.get(1).kendallTau(), 1e-12);  // reversed
        assertEquals(-1.0, c.get(1).spearman(), 1e-12);
        assertEquals(3.5, c.get(2).meanSeconds(), 1e-12);
    }
}
