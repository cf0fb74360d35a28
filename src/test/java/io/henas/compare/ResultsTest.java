package io.henas.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.ir.Json;

class ResultsTest {
    @TempDir
    Path dir;

    static RowResult row(String name, Experiment.Role role, double predicted, Double measured) {
        RowResult.Ops ops = new RowResult.Ops(5, 14, 300, 140.0, 100, 2000, 10, 20, OptionalDouble.of(predicted),
                1 << 20, 16, 500);
        Optional<RowResult.Measured> m = measured == null ? Optional.empty()
                : Optional.of(new RowResult.Measured("layerwise", measured, 1e-6, Map.of("mode", "layerwise")));
        return new RowResult(name, role, true, ops, Optional.of(ops), OptionalInt.of(12), m, Optional.empty(), List.of());
    }

    @Test
    void reductionsUseTheFastestBaselineAndTheBestRowOfTheRole() throws IOException {
        Results r = new Results("t", List.of(row("base-on", Experiment.Role.BASELINE, 8, 10.0),
                row("base-off", Experiment.Role.BASELINE, 12, 20.0),
                row("v1", Experiment.Role.VARIANT, 6, 6.0),
                row("v2", Experiment.Role.VARIANT, 2, 4.0),
                row("v3", Experiment.Role.VARIANT, 1, null)), Map.of());
        Map<String, Object> j = r.toJson();
        assertEquals(1 - 4.0 / 10.0, (double) j.get("latency_reduction_best_variant"), 1e-12);
        assertEquals(1 - 1.0 / 8.0, (double) j.get("predicted_latency_reduction_best_variant"), 1e-12);
        assertNull(j.get("latency_reduction_searched"), "no searched row");
        assertEquals("base-on", j.get("baseline_row"));
        assertEquals("v2", j.get("best_variant_row"));
        assertEquals("v3", j.get("predicted_best_variant_row"));

        List<Path> files = r.write(dir);
        assertTrue(files.contains(dir.resolve("latency.png")));
        assertTrue(Files.size(dir.resolve("latency.png")) > 1000);
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) Json.readFile(dir.resolve("results.json"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) back.get("rows");
        assertEquals(5, rows.size());
        for (String k : List.of("name", "role", "merge", "depth", "log_n", "log_qp", "security_bits", "rotations",
                "mul_plain", "mul_ct", "rescales", "predicted_latency_s", "measured_latency_s", "measurement_mode",
                "accuracy", "fashion_encrypted_latency_s", "log_n_insecure", "smaller_ring_without_bound", "hemet_layout")) {
            assertTrue(rows.getFirst().containsKey(k), "row key " + k);
        }
        assertNull(rows.get(4).get("measured_latency_s"));
        assertEquals(true, rows.getFirst().get("smaller_ring_without_bound"), "logN 12 without the bound < 14");
        String md = Files.readString(dir.resolve("table.md"));
        assertTrue(md.contains("| v2 | variant | on | 5 | 14 | 300 |"), md);
        assertTrue(md.contains("Latency reduction of the best variant (measured): 60.0%"), md);
    }

    @Test
    void theSearchedRowGetsItsOwnReduction() {
        Results r = new Results("t", List.of(row("b", Experiment.Role.BASELINE, 10, 10.0),
                row("s", Experiment.Role.SEARCHED, 3, 2.5)), Map.of());
        assertEquals(0.75, r.reduction(Experiment.Role.SEARCHED, Results::measured).getAsDouble(), 1e-12);
        assertTrue(r.reduction(Experiment.Role.VARIANT, Results::measured).isEmpty());
    }
}
