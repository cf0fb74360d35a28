package io.henas.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.henas.export.ExportedModel;
import io.henas.ir.Json;

import org.junit.jupiter.api.Test;

/**
 * The outputs of the committed experiments ({@code experiments/}) still load with today's readers: every JSON file
 * parses strictly, training metrics read under either key spelling (older runs wrote {@code testAccuracy}, today
 * {@code test_accuracy}), cached encrypted rows read as {@link RowResult.Trained}, run directories keep what resuming
 * needs, and every committed model file loads.
 */
class CommittedExperimentsLoadTest {
    private static final Path ROOT = Path.of("experiments");

    private static List<Path> files(Predicate<String> name) throws IOException {
        assertTrue(Files.isDirectory(ROOT), "run from the project root");
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(Files::isRegularFile).filter(p -> name.test(p.getFileName().toString())).sorted()
                    .toList();
        }
    }

    private static Map<String, Object> object(Path p) throws IOException {
        return Json.asObject(Json.readFile(p), p.toString());
    }

    @Test
    void everyCommittedJsonFileParsesStrictly() throws IOException {
        List<Path> all = files(n -> n.endsWith(".json"));
        assertFalse(all.isEmpty(), "no committed JSON under experiments/");
        for (Path p : all) {
            assertNotNull(Json.readFile(p), p.toString());
        }
    }

    @Test
    void everyCommittedMetricsFileReadsUnderEitherSpelling() throws IOException {
        List<Path> metrics = files(n -> n.equals("metrics.json"));
        assertFalse(metrics.isEmpty());
        for (Path p : metrics) {
            Map<String, Object> m = object(p);
            assertInstanceOf(String.class, m.get("status"), p + ": status");
            if ("OK".equals(m.get("status"))) {
                assertInstanceOf(Number.class, Json.field(m, "test_accuracy"), p + ": test_accuracy");
                assertInstanceOf(Number.class, Json.field(m, "train_seconds"), p + ": train_seconds");
            }
        }
    }

    @Test
    void oldAndNewSpellingsReadTheSameField() {
        Map<String, Object> old = Map.of("testAccuracy", 0.5);
        Map<String, Object> now = Map.of("test_accuracy", 0.5);
        assertEquals(0.5, Json.field(old, "test_accuracy"));
        assertEquals(0.5, Json.field(now, "test_accuracy"));
    }

    @Test
    void everyCachedEncryptedRowReadsAsATrainedRow() throws IOException {
        List<Path> rows = files(n -> n.startsWith("encrypted-") && n.endsWith(".json"));
        assertFalse(rows.isEmpty());
        for (Path p : rows) {
            RowResult.Trained t = RowResult.Trained.fromJson(object(p), p.toString());
            assertTrue(t.images() > 0, p + ": images");
            assertFalse(t.mode().isBlank(), p + ": mode");
            assertTrue(t.accuracy() >= 0 && t.accuracy() <= 1, p + ": accuracy");
        }
    }

    @Test
    void aTrainedRowRoundTripsAndAMissingFieldIsNamed() {
        RowResult.Trained t = new RowResult.Trained(0.75, 0.5, 0.875, 8, 12.5, "end-to-end", "m.henas");
        Map<String, Object> m = Json.asObject(Json.parse(Json.pretty(t.toJson()), "row.json"), "row.json");
        assertEquals(List.of("accuracy", "encrypted_accuracy", "agreement", "images", "encrypted_latency_s", "mode",
                "model"), List.copyOf(m.keySet()));
        assertEquals(t, RowResult.Trained.fromJson(m, "row.json"));
        m.remove("agreement");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RowResult.Trained.fromJson(m, "row.json"));
        assertTrue(e.getMessage().contains("row.json") && e.getMessage().contains("agreement"), e.getMessage());
    }

    @Test
    void runDirectoriesKeepWhatResumingAndExportNeed() throws IOException {
        List<Path> manifests = files(n -> n.equals("manifest.json"));
        assertFalse(manifests.isEmpty());
        for (Path p : manifests) {
            Map<String, Object> m = object(p);
            assertInstanceOf(String.class, m.get("space_sha256"), p + ": space_sha256");
            assertInstanceOf(Number.class, m.get("seed"), p + ": seed");
        }
        List<Path> paretos = files(n -> n.equals("pareto.json"));
        assertFalse(paretos.isEmpty());
        for (Path p : paretos) {
            Map<String, Object> m = object(p);
            assertInstanceOf(Number.class, m.get("trials"), p + ": trials");
            assertInstanceOf(List.class, m.get("front"), p + ": front");
        }
    }

    @Test
    void everyCommittedModelFileLoads() throws IOException {
        List<Path> models = files(n -> n.endsWith(".henas"));
        assertFalse(models.isEmpty());
        for (Path p : models) {
            ExportedModel m = ExportedModel.read(p);
            assertNotNull(m.plan(), p + ": plan");
            assertNotNull(m.provenance(), p + ": provenance");
        }
    }
}
