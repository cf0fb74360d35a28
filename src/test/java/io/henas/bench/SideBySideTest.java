package io.henas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SideBySideTest {
    @TempDir
    Path dir;

    @Test
    void storedSealFiguresAreReferenceOnly() {
        SealAnchors s = SealAnchors.load();
        assertEquals(78.2, s.storedMicros(13, "ntt_forward"));
        assertEquals(15193, s.storedMicros(14, "rotate_1"));
        assertTrue(Double.isNaN(s.storedMicros(13, "rotate_hoisted_8")));
        assertTrue(s.storedAll(15).isEmpty());
    }

    @Test
    void harnessJsonMapsInPlaceVariantsToOpNames() {
        var run = SealOps.parse("{\"seal_version\": \"4.4.3\", \"results\": {\"13\": {\"ntt_forward\": 98.1, "
                + "\"rescale/api\": 660, \"rescale/inplace\": 650.5}}}\n", 13, "h");
        assertEquals("4.4.3", run.version());
        assertEquals(Map.of("ntt_forward", 98.1, "rescale", 650.5), run.micros());
        var e = assertThrows(IllegalStateException.class, () -> SealOps.parse("{\"results\": {}}", 14, "h"));
        assertTrue(e.getMessage().startsWith("h must report results for logN 14"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> SealOps.parse("bad parameters", 13, "h"));
    }

    @Test
    void anExplicitHarnessMustExist() {
        var e = assertThrows(IllegalArgumentException.class, () -> SealOps.locate(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void tableWithoutSealSaysSoAndQuotesNoRatio() {
        var r = new SideBySide.Result(Map.of(13, Map.of("rotate_1", 100.0, "rotate_hoisted_8", 400.0)), Map.of(),
                null, null, 1, 1, Timing.Clock.WALL, 0.5, 0.7);
        String t = SideBySide.table(r);
        // why SEAL is missing: no harness where the default looks, or (harness there) --no-seal
        boolean harness = java.nio.file.Files.isExecutable(SealOps.DEFAULT_PATH.toAbsolutePath().normalize());
        assertTrue(t.contains(harness ? "SEAL not timed (--no-seal): no ratios" : "No SEAL binary found"), t);
        assertTrue(t.lines().noneMatch(l -> l.startsWith("op ") && l.contains("ratio")), t);
        assertTrue(t.contains("rotate_hoisted_8 / (8 x rotate_1) = 0.50"), t);
        assertNull(r.toJson().get("seal"));
    }

    @Test
    void roundsAlternateWithTheHarnessAndRatiosUseItsFigures() throws IOException {
        Path log = dir.resolve("calls");
        Path fake = dir.resolve("fake-seal-ops");
        // a stand-in harness: logs each call, reports add at 4 us per round
        Files.writeString(fake, "#!/bin/sh\necho call >> " + log + "\necho 'logN '$1' progress' >&2\n"
                + "echo '{\"seal_version\": \"9.9\", \"results\": {\"'$1'\": {\"add/api\": 2.0, \"add/inplace\": 4.0}}}'\n");
        assertTrue(fake.toFile().setExecutable(true));
        SealOps seal = SealOps.locate(fake).orElseThrow();
        List<String> lines = new ArrayList<>();
        var r = SideBySide.run(List.of(13), 1, 1, Timing.Clock.WALL, List.of("add"), 2, seal, lines::add);
        assertEquals(2, Files.readAllLines(log).size());
        assertTrue(lines.contains("seal: logN 13 progress"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("round 2/2 (SEAL first)")), lines.toString());
        assertEquals("9.9", r.sealVersion());
        assertEquals(4.0, r.seal().get(13).get("add"));
        double h = r.henas().get(13).get("add");
        assertEquals(h / 4.0, r.ratio(13, "add"), 1e-12);
        String t = SideBySide.table(r);
        assertTrue(t.contains("Microsoft SEAL 9.9"), t);
        assertTrue(t.contains(String.format("%.2f", h / 4.0)), t);
        @SuppressWarnings("unchecked")
        var ratios = (Map<String, Map<String, Object>>) r.toJson().get("ratio_henas_over_seal");
        assertEquals(Set.of("add"), ratios.get("13").keySet());
    }

    @Test
    void mediansAreTakenOverRounds() {
        var m = SideBySide.medians(List.of(Map.of("a", 3.0), Map.of("a", 1.0, "b", 5.0), Map.of("a", 2.0)),
                List.of("a", "b", "c"));
        assertEquals(Map.of("a", 2.0, "b", 5.0), m);
    }
}
