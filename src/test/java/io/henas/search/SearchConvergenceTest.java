package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine (NSGA-II, gene-uniform crossover, random-reset mutation) converges on discretised ZDT1 and ZDT2, whose
 * true fronts are known: the found front's hypervolume must reach 95% of the true front's, and most true-front
 * points must be found.
 */
class SearchConvergenceTest {
    static final long SEED = 20261121L;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} genes={3} pop={4} gens={5}")
    @CsvSource({
            "zdt1, 21, 8, 6, 40, 60",
            "zdt2, 21, 8, 6, 40, 60"})
    void convergesToTheKnownFront(String problem, int k0, int k, int genes, int pop, int gens) throws Exception {
        Zdt zdt = new Zdt(k0, k, genes, problem.equals("zdt1"), true);
        Zdt.Evaluator ev = zdt.new Evaluator(0);
        SearchConfig cfg = SearchConfig.builder(dir.resolve(problem)).population(pop).generations(gens).seed(SEED)
                .threads(2).build();
        SearchResult r = SearchRunner.run(zdt, ev, cfg, ProgressListener.NONE);

        List<double[]> trueFront = zdt.trueFront();
        double hvTrue = Zdt.hypervolume(trueFront);
        List<double[]> found = r.front().stream()
                .map(t -> new double[] {t.evaluation().accuracy(), t.evaluation().latencySeconds()}).toList();
        double hv = Zdt.hypervolume(found);
        long truePoints = r.front().stream().filter(t -> t.genes().subList(1, genes).stream().allMatch(g -> g == 0))
                .count();
        System.err.printf(Locale.ROOT, "%s: %d evaluations of %d proposed, %d rejected; HV %.4f of true %.4f (%.1f%%);"
                + " %d/%d true-front points%n", problem, r.trials().size(), pop * gens, r.rejected(), hv, hvTrue,
                100 * hv / hvTrue, truePoints, trueFront.size());

        assertTrue(hv >= 0.95 * hvTrue, "hypervolume " + hv + " must be >= 95% of the true front's " + hvTrue);
        assertTrue(truePoints >= 0.8 * trueFront.size(), "true-front points found: " + truePoints + " of "
                + trueFront.size());
        assertTrue(r.rejected() > 0, "the space's invalid combinations should have been met and rejected");
        assertEquals(r.trials().size(), ev.total(), "each distinct candidate evaluated exactly once");
        ev.calls.forEach((key, n) -> assertEquals(1, n.get(), "evaluations of " + key));
    }
}
