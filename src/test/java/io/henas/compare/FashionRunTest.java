package io.henas.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains a tiny Fashion-MNIST twin once for two rows and runs it encrypted (DL4J training: slow). */
@Tag("slow")
class FashionRunTest {
    @TempDir
    Path dir;

    @Test
    void rowsSharingAFashionFileTrainOnceAndRunEncrypted() throws IOException {
        CompareFixtures.writeSpaces(dir);
        String text = CompareFixtures.EXPERIMENT.replace("inference: {images: 2}",
                "inference: {images: 2}\ntrain: {epochs: 1, train_images: 300, test_images: 100}")
                .replace("    merge: off\n", "    merge: off\n    fashion: tiny-fashion.yaml\n");
        Experiment e = ExperimentLoader.parse(text, dir.resolve("exp.yaml"));
        List<String> log = new ArrayList<>();
        CompareRun.Settings s = new CompareRun.Settings(dir.resolve("out"), Set.of(), true, false, 1, false,
                dir.resolve("none.json"), Optional.empty(), "test");
        Results r = CompareRun.run(e, s, log::add);
        assertEquals(1, log.stream().filter(l -> l.contains("fashion: training")).count(), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.contains("reusing the training")));
        for (RowResult row : List.of(r.rows().get(1), r.rows().get(2))) {
            RowResult.Trained t = row.trained().orElseThrow();
            assertEquals(2, t.images());
            assertEquals(1.0, t.agreement(), "encrypted predictions agree with the plaintext simulation");
            assertTrue(t.encryptedLatencyS() > 0);
            assertTrue(Files.isRegularFile(dir.resolve("out").resolve(t.model())));
        }
        log.clear();
        Results again = CompareRun.run(e, s, log::add);
        assertTrue(log.stream().noneMatch(l -> l.contains("fashion: training")), "cached: " + log);
        assertEquals(r.rows().get(1).trained().get().encryptedLatencyS(),
                again.rows().get(1).trained().get().encryptedLatencyS());
    }
}
