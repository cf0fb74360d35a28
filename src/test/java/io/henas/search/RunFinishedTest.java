package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run is finished only once its manifest says so (the last write), not when its first report file exists. */
class RunFinishedTest {
    @TempDir
    Path dir;

    @Test
    void aRunKilledWhileWritingItsReportIsNotFinished() throws Exception {
        assertFalse(SearchRunner.finished(dir), "empty directory");
        Files.writeString(dir.resolve(SearchRunner.PARETO), "{}");
        Files.writeString(dir.resolve(SearchRunner.MANIFEST), "{\"status\": \"running\"}");
        assertFalse(SearchRunner.finished(dir), "pareto.json written, manifest still running");
        Files.writeString(dir.resolve(SearchRunner.MANIFEST), "{\"status\": \"fin");
        assertFalse(SearchRunner.finished(dir), "damaged manifest");
        Files.writeString(dir.resolve(SearchRunner.MANIFEST), "{\"status\": \"finished\"}");
        assertTrue(SearchRunner.finished(dir));
    }
}
