package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.ir.Json;
import io.jenetics.ext.moea.Vec;

/**
 * The throughput objective: fitness uses seconds per image (images/s), the front, knee, report, pareto.json and
 * manifest are labelled with it, a run stores images per run in trials.db and replays identically on resume.
 */
class ThroughputSearchTest {
    @TempDir
    Path dir;

    private static final Constraints NONE = Constraints.NONE;

    @Test
    void fitnessRanksImagesPerSecondNotLatencyOfOneRun() {
        // a: 2 s for 4096 images (2048 img/s); b: 1 s for 1024 images (1024 img/s); same accuracy
        Evaluation a = Evaluation.ok(0.8, 2.0, 5, 13, 1).withImagesPerRun(4096);
        Evaluation b = Evaluation.ok(0.8, 1.0, 5, 13, 1).withImagesPerRun(1024);
        assertEquals(2048.0, a.imagesPerSecond());
        assertEquals(1.0 / 1024, b.secondsPerImage());
        assertEquals(1, Fitness.of(a, NONE, false, SpeedObjective.THROUGHPUT)
                .dominance(Fitness.of(b, NONE, false, SpeedObjective.THROUGHPUT)), "more images/s dominates");
        assertEquals(-1, Fitness.of(a, NONE, false, SpeedObjective.LATENCY)
                .dominance(Fitness.of(b, NONE, false, SpeedObjective.LATENCY)), "a latency run prefers b");
        // one image per run: the throughput vector is the latency vector, bit for bit
        Evaluation single = Evaluation.ok(0.7, 0.37, 4, 13, 1);
        Vec<double[]> lat = Fitness.of(single, NONE, true);
        Vec<double[]> tput = Fitness.of(single, NONE, true, SpeedObjective.THROUGHPUT);
        assertTrue(java.util.Arrays.equals(lat.data(), tput.data()));
        // the latency constraint is on one (batch) run, whatever the images per run
        Constraints maxRun = new Constraints(Integer.MAX_VALUE, 1.5, Integer.MAX_VALUE);
        assertEquals(Evaluation.Status.INFEASIBLE, maxRun.apply(a).status());
        assertEquals(Evaluation.Status.OK, maxRun.apply(b).status());
        assertThrows(IllegalArgumentException.class, () -> a.withImagesPerRun(0));
    }

    @Test
    void frontAndKneeUseImagesPerSecond() {
        Trial fastRun = trial(0, 0.8, 1.0, 1024);     // 1024 img/s
        Trial bigBatch = trial(1, 0.8, 2.0, 4096);    // 2048 img/s, dominates fastRun under throughput
        Trial accurate = trial(2, 0.9, 8.0, 4096);    // 512 img/s
        List<Trial> all = List.of(fastRun, bigBatch, accurate);
        assertEquals(List.of(1, 2), ParetoFront.of(all, SpeedObjective.THROUGHPUT).stream().map(Trial::id).toList());
        assertEquals(List.of(0, 2), ParetoFront.of(all).stream().map(Trial::id).toList());
        assertEquals(List.of(0, 2), ParetoFront.of(all, SpeedObjective.LATENCY).stream().map(Trial::id).toList());
    }

    /** Batch size per candidate: gene 4 = 0 gives 2^15 images per run, gene 4 = 5 gives 2^10. */
    static int images(int[] g) {
        return 1 << (15 - g[4]);
    }

    /**
     * ZDT1 with a fake batch cost stage: seconds per image is ZDT's f2, so the latency of one run is f2 times the
     * images per run, which the latency objective would rank very differently.
     */
    static StagedEvaluator<int[]> evaluator(Zdt zdt, AtomicInteger trainings) {
        return new StagedEvaluator<>(
                c -> new StagedEvaluator.Cost(zdt.objectives(c.value())[1] * images(c.value()), 3, 14, 0,
                        images(c.value())),
                c -> {
                    trainings.incrementAndGet();
                    return StagedEvaluator.Training.ok(1 - zdt.objectives(c.value())[0], 1.0);
                },
                Constraints.NONE, 1, Map.of("dataset", "synthetic"));
    }

    @Test
    void aThroughputRunIsLabelledStoresImagesPerRunAndResumesIdentically() throws Exception {
        Zdt zdt = new Zdt(11, 6, 5, true, false);
        AtomicInteger trainings = new AtomicInteger();
        SearchConfig cfg = SearchConfig.builder(dir).population(10).generations(4).seed(5).threads(1)
                .speed(SpeedObjective.THROUGHPUT).build();
        SearchResult r = SearchRunner.run(zdt, evaluator(zdt, trainings), cfg, ProgressListener.NONE);

        for (Trial t : r.trials()) {
            assertEquals(images(t.genes().stream().mapToInt(Integer::intValue).toArray()), t.evaluation().imagesPerRun(),
                    t.toString());
        }
        assertEquals(ParetoFront.of(r.trials(), SpeedObjective.THROUGHPUT), r.front());
        assertNotEquals(ParetoFront.of(r.trials(), SpeedObjective.LATENCY), r.front(),
                "the latency objective would pick another front");
        for (int i = 1; i < r.front().size(); i++) {
            assertTrue(r.front().get(i - 1).evaluation().imagesPerSecond()
                    > r.front().get(i).evaluation().imagesPerSecond(), "front: most images/s first");
        }
        assertTrue(r.knee().isPresent() && r.front().contains(r.knee().get()));

        Map<String, Object> pareto = Json.asObject(Json.readFile(dir.resolve("pareto.json")), "pareto");
        assertEquals(List.of("accuracy (max)", "images_per_second (max)"), pareto.get("objectives"));
        assertEquals(List.of("accuracy (max)", "images_per_second (max)"), pareto.get("front_objectives"));
        assertEquals("batch", pareto.get("packing"));
        Map<String, Object> knee = Json.asObject(pareto.get("knee"), "knee");
        Trial k = r.knee().get();
        assertEquals((long) k.evaluation().imagesPerRun(), knee.get("images_per_run"));
        assertEquals(k.evaluation().imagesPerSecond(), (Double) knee.get("images_per_second"), 1e-9);
        Map<String, Object> manifest = Json.asObject(Json.readFile(dir.resolve("manifest.json")), "manifest");
        assertEquals(List.of("accuracy (max)", "images_per_second (max)"), manifest.get("objectives"));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("Objectives: accuracy (max), images_per_second (max)")
                && html.contains("<th>predicted images/s</th>") && html.contains("most images/s first")
                && html.contains("--packing batch") && !html.contains("<th>predicted latency (s)</th>"), html);
        List<String> csv = Files.readAllLines(dir.resolve("trials.csv"));
        assertTrue(csv.get(0).endsWith(",key_bytes,images_per_run"), csv.get(0));

        // resume: every evaluation comes from trials.db (images per run included), the same front and knee
        int before = trainings.get();
        SearchResult again = SearchRunner.run(zdt, evaluator(zdt, trainings), cfg.toBuilder().resume(true).build(),
                ProgressListener.NONE);
        assertEquals(before, trainings.get(), "nothing is trained again");
        assertEquals(r.trials().stream().map(Trial::evaluation).toList(),
                again.trials().stream().map(Trial::evaluation).toList());
        assertEquals(r.front().stream().map(Trial::id).toList(), again.front().stream().map(Trial::id).toList());
        assertEquals(r.knee().map(Trial::id), again.knee().map(Trial::id));

        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class, () -> SearchRunner.run(zdt,
                evaluator(zdt, trainings), cfg.toBuilder().resume(true).speed(SpeedObjective.LATENCY).build(),
                ProgressListener.NONE));
        assertTrue(mismatch.getMessage().contains("objective mismatch: run=throughput, requested=latency"),
                mismatch.getMessage());
    }

    @Test
    void aLatencyRunIsLabelledAsBefore() throws Exception {
        Zdt zdt = new Zdt(7, 4, 3, true, false);
        SearchConfig cfg = SearchConfig.builder(dir).population(6).generations(2).seed(1).threads(1).build();
        SearchRunner.run(zdt, zdt.new Evaluator(0), cfg, ProgressListener.NONE);
        Map<String, Object> pareto = Json.asObject(Json.readFile(dir.resolve("pareto.json")), "pareto");
        assertEquals(List.of("accuracy (max)", "latency_s (min)"), pareto.get("objectives"));
        assertTrue(!pareto.containsKey("packing"));
        Map<String, Object> knee = Json.asObject(pareto.get("knee"), "knee");
        assertTrue(!knee.containsKey("images_per_second"));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<th>predicted latency (s)</th>") && !html.contains("--packing batch"), html);
    }

    private static Trial trial(int id, double acc, double latency, int images) {
        return new Trial(id, 1, false, List.of(id), "k" + id, "t" + id, "{}",
                Evaluation.ok(acc, latency, 3, 14, 1).withImagesPerRun(images), java.time.Instant.EPOCH,
                java.time.Instant.EPOCH);
    }
}
