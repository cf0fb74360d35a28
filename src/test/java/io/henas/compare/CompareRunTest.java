package io.henas.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.he.CompileOptions;
import io.henas.space.SpaceLoader;

class CompareRunTest {
    @TempDir
    Path dir;

    private CompareRun.Settings settings(Set<String> rows, boolean skipMeasure) {
        return new CompareRun.Settings(dir.resolve("out"), rows, skipMeasure, true, 1, false,
                dir.resolve("no-calibration.json"), Optional.empty(), "test");
    }

    @Test
    void measuresTheSelectedRowOnCiphertextsAndCachesIt() throws IOException {
        CompareFixtures.writeSpaces(dir);
        Experiment e = ExperimentLoader.parse(CompareFixtures.EXPERIMENT, dir.resolve("exp.yaml"));
        List<String> log = new ArrayList<>();
        Results r = CompareRun.run(e, settings(Set.of("plain"), false), log::add);
        assertEquals(3, r.rows().size());
        RowResult plain = r.rows().get(1);
        assertEquals("plain", plain.name());
        assertEquals(13, plain.cost().logN());
        assertTrue(plain.cost().securityBits() >= 128);
        assertTrue(plain.measuredLatencyS().isPresent(), "the selected row is measured: " + plain.errors());
        assertEquals("end-to-end", plain.measured().orElseThrow().mode(), "its keys fit 1 GiB");
        assertTrue(plain.measured().get().maxAbsError() < 1e-2, "decrypted values match the simulation");
        assertEquals(plain.cost().rotations(), ((Number) plain.measured().get().detail().get("rotations")).longValue(),
                "executed rotations equal the cost model's");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> segs = (List<Map<String, Object>>) plain.measured().get().detail().get("segments");
        assertEquals(1, segs.size());
        assertTrue(segs.getFirst().containsKey("predicted_s"), "segments carry the layer prediction: " + segs);
        assertTrue(r.rows().get(0).measuredLatencyS().isEmpty(), "unselected rows are only costed");
        assertTrue(r.rows().get(0).cost().depth() > plain.cost().depth());
        assertEquals(1, plain.hemet().orElseThrow().channelsPerCiphertext());
        assertTrue(plain.hemet().get().mulPlain() >= plain.cost().mulPlain());
        assertEquals(12, plain.logNInsecure().getAsInt());
        assertTrue(Files.isRegularFile(dir.resolve("out/results.json")));
        assertTrue(Files.isRegularFile(dir.resolve("out/table.md")));
        assertTrue(Files.isRegularFile(dir.resolve("out/latency.png")));
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) io.henas.ir.Json.readFile(dir.resolve("out/results.json"));
        assertEquals(null, j.get("latency_reduction_best_variant"), "the baseline was not measured");

        // A second run skipping measurement reuses the cached one.
        Results again = CompareRun.run(e, settings(Set.of(), true), log::add);
        assertEquals(plain.measuredLatencyS().getAsDouble(), again.rows().get(1).measuredLatencyS().getAsDouble());
    }

    @Test
    void unknownRowsAreRefused() throws IOException {
        CompareFixtures.writeSpaces(dir);
        Experiment e = ExperimentLoader.parse(CompareFixtures.EXPERIMENT, dir.resolve("exp.yaml"));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> CompareRun.run(e, settings(Set.of("nope"), true), s -> { }));
        assertTrue(ex.getMessage().contains("but named 'nope'"), ex.getMessage());
    }

    @Test
    void insecureRingIsTheSmallestWhoseSlotsAndPrimesHoldThePlan() throws IOException {
        CompareFixtures.writeSpaces(dir);
        var net = SpaceLoader.load(dir.resolve("tiny-cifar-fire.yaml")).fixed().lower();
        // 32x32 maps need 1024 slots: N = 2^12 has 2048, so the bound alone sets the secure ring (2^14 here).
        assertEquals(12, CompareRun.insecureLogN(net, CompileOptions.defaults(true)).getAsInt());
    }
}
