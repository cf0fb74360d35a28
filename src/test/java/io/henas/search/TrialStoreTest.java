package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialStoreTest {
    @TempDir
    Path dir;

    @Test
    void rowsSurviveReopeningWithUnknownValuesAsNaN() {
        Path db = dir.resolve("trials.db");
        Trial ok = new Trial(0, 1, false, List.of(2, 0, 1), "2-0-1", "net, \"a\"", "{\"layers\":[]}",
                Evaluation.ok(0.875, 0.42, 5, 13, 12.5).withKeyBytes(27_525_120L), Instant.parse("2026-11-21T06:00:00Z"),
                Instant.parse("2026-11-21T06:00:12.5Z"));
        Trial infeasible = new Trial(1, 2, true, List.of(), "ref", "squeeze", "{}",
                new Evaluation(Evaluation.Status.INFEASIBLE, Double.NaN, 9.5, 9, 15, Double.NaN, "too slow"),
                Instant.EPOCH, Instant.EPOCH);
        try (TrialStore s = TrialStore.open(db)) {
            s.insert(ok);
            s.insert(infeasible);
            s.putMeta("seed", "42");
            TrialStore.TrialStoreException dup = assertThrows(TrialStore.TrialStoreException.class, () -> s.insert(
                    new Trial(2, 2, false, List.of(2, 0, 1), "2-0-1", "x", "{}", Evaluation.failed("x"), Instant.EPOCH,
                            Instant.EPOCH)));
            assertTrue(dup.getMessage().contains("cannot store trial 2 (2-0-1)"), dup.getMessage());
        }
        try (TrialStore s = TrialStore.open(db)) {
            assertEquals(List.of(ok, infeasible), s.all());
            assertEquals(2, s.count());
            assertEquals("42", s.meta("seed").orElseThrow());
            assertTrue(s.meta("nope").isEmpty());
        }
    }

    @Test
    void genotypeTextRoundTrips() {
        assertEquals("[3,0,12]", TrialStore.genotypeText(List.of(3, 0, 12)));
        assertEquals(List.of(3, 0, 12), TrialStore.parseGenotype("[3, 0,12]"));
        assertEquals(List.of(), TrialStore.parseGenotype("[]"));
        assertThrows(IllegalArgumentException.class, () -> TrialStore.parseGenotype("3,0"));
    }
}
