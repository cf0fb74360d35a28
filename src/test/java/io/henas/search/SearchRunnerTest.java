package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.ir.Json;

/** A whole run with references and constraints, and the run directory it leaves behind. */
class SearchRunnerTest {
    @TempDir
    Path dir;

    /** ZDT1 with two reference candidates and latency as the constrained quantity. */
    static final class WithReferences implements CandidateSpace<int[]> {
        final Zdt zdt = new Zdt(11, 6, 5, true, true);

        public String name() { return "zdt1-refs"; }
        public int[] cardinalities() { return zdt.cardinalities(); }
        public Candidate<int[]> decode(int[] genes) { return zdt.decode(genes); }
        public String sha256() { return "abc123"; }

        public List<Candidate<int[]>> references() {
            return List.of(new Candidate<>(List.of(), "ref-a", "hand-made A", "[8,3,3,3,3]", new int[] {8, 3, 3, 3, 3}),
                    new Candidate<>(List.of(), "ref-b", "hand-made B", "[2,1,1,1,1]", new int[] {2, 1, 1, 1, 1}));
        }
    }

    @Test
    void writesTheRunDirectoryAndRespectsConstraints() throws Exception {
        WithReferences space = new WithReferences();
        Zdt.Evaluator ev = space.zdt.new Evaluator(0);
        List<GenerationStats> gens = new ArrayList<>();
        List<Trial> committed = new ArrayList<>();
        ProgressListener l = new ProgressListener() {
            public void onGeneration(GenerationStats s) { gens.add(s); }
            public synchronized void onTrial(Trial t) { committed.add(t); }
        };
        Constraints maxLatency = new Constraints(Integer.MAX_VALUE, 0.9, Integer.MAX_VALUE);
        SearchConfig cfg = SearchConfig.builder(dir).population(12).generations(8).seed(3).threads(2)
                .constraints(maxLatency).provenance("dataset", "synthetic-zdt1").build();
        SearchResult r = SearchRunner.run(space, ev, cfg, l);

        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), gens.stream().map(GenerationStats::generation).toList());
        assertEquals(r.trials().size(), committed.size());
        assertEquals(r.trials().size(), gens.get(gens.size() - 1).evaluations());
        assertEquals(List.of("ref:ref-a", "ref:ref-b"), r.references().stream().map(Trial::key).toList());
        assertEquals(List.of(0, 1), r.references().stream().map(Trial::id).toList());
        assertTrue(r.trials().stream().anyMatch(t -> t.evaluation().status() == Evaluation.Status.INFEASIBLE),
                "some candidates should violate max latency 0.9");
        for (Trial t : r.front()) {
            assertTrue(t.evaluation().latencySeconds() <= 0.9, "front member violates the constraint: " + t);
        }
        assertTrue(r.knee().isPresent() && r.front().contains(r.knee().get()));

        Map<String, Object> manifest = Json.asObject(Json.readFile(dir.resolve("manifest.json")), "manifest");
        assertEquals("finished", manifest.get("status"));
        assertEquals(3L, manifest.get("seed"));
        assertEquals("abc123", manifest.get("space_sha256"));
        assertEquals(2L, manifest.get("threads"));
        Map<String, Object> libs = Json.asObject(manifest.get("libraries"), "libraries");
        assertEquals("9.0.0", libs.get("jenetics"));
        assertEquals("3.8.8", libs.get("xchart"));
        assertEquals("synthetic-zdt1", Json.asObject(manifest.get("provenance"), "provenance").get("dataset"));
        assertTrue(manifest.get("git_commit") instanceof String);
        assertTrue(!((String) manifest.get("jdk")).isBlank() && !((String) manifest.get("cpu")).isBlank());

        Map<String, Object> pareto = Json.asObject(Json.readFile(dir.resolve("pareto.json")), "pareto");
        assertEquals(r.front().size(), ((List<?>) pareto.get("front")).size());
        assertEquals((long) r.knee().get().id(), Json.asObject(pareto.get("knee"), "knee").get("trial_id"));
        assertEquals(2, ((List<?>) pareto.get("references")).size());
        // reference A = genes [8,3,3,3,3]: accuracy 0.2, latency 4.1 s; the front holds a faster trial as accurate
        Map<String, Object> cmp = Json.asObject(((List<?>) pareto.get("reference_comparison")).get(0), "cmp");
        assertEquals("hand-made A", cmp.get("reference"));
        assertTrue((Double) cmp.get("its_accuracy") >= (Double) cmp.get("reference_accuracy"));
        assertTrue((Double) cmp.get("latency_ratio") < 1.0, cmp.toString());
        assertTrue(manifest.get("evaluations_per_hour") instanceof Double);

        List<String> csv = Files.readAllLines(dir.resolve("trials.csv"));
        assertEquals(r.trials().size() + 1, csv.size());
        assertTrue(csv.get(0).startsWith("trial_id,generation,reference,genotype,key"));

        byte[] png = Files.readAllBytes(dir.resolve("pareto.png"));
        assertTrue(png.length > 1000 && Arrays.equals(Arrays.copyOf(png, 4), new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<img src=\"pareto.png\"") && html.contains("hand-made A")
                && html.contains("Knee"), html);
    }
}
