package io.henas.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.PlanSimulator;
import io.henas.he.TestNets;
import io.henas.ir.Json;

/**
 * Model files keep running the plan they were exported with: a version-2 file stores its plan, so it loads and
 * computes identically even when the compiler would now produce another plan (simulated by changing the recorded
 * compile options, which is what a version-1 file recompiles from); version-1 files (the committed fashion-best
 * model) still load by recompiling, and writing them again upgrades them without changing the plan.
 */
class DurableModelTest {
    @TempDir
    Path dir;

    /** The file with its manifest edited (as a later compiler would see it) and optionally made version 1. */
    @SuppressWarnings("unchecked")
    private Path edited(Path f, String name, boolean otherCompiler, boolean version1) throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>(ExportedModelTest.entries(f));
        Map<String, Object> m = (Map<String, Object>) Json.parse(new String(e.get(ExportedModel.MANIFEST),
                StandardCharsets.UTF_8), "m");
        Map<String, Object> he = (Map<String, Object>) m.get("he");
        if (otherCompiler) {
            ((Map<String, Object>) he.get("compile_options")).put("max_channels_per_ciphertext", 1L);
        }
        if (version1) {
            m.put("version", 1L);
            he.remove("plan_format");
            ((Map<String, Object>) m.get("entries")).remove(ExportedModel.PLAN);
            e.remove(ExportedModel.PLAN);
        }
        e.put(ExportedModel.MANIFEST, Json.pretty(m).getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve(name);
        ExportedModelTest.rezip(e, out);
        return out;
    }

    private static double[] logits(ExportedModel m, long seed) {
        double[] x = TestNets.randomInput(m.folded().net().node(0).shape(), seed);
        return PlanSimulator.run(m.binding(), x).logits();
    }

    @Test
    void storedPlanRunsWhateverTheCompilerWouldProduceNow() throws IOException {
        Path f = dir.resolve("m.henas");
        ExportedModel written = ExportTestModels.exportSecure(f, 11);
        assertEquals(ExportedModel.VERSION, written.formatVersion());
        assertTrue(written.verify().isEmpty(), written.verify().toString());
        Path changed = edited(f, "changed.henas", true, false);
        // the compiler, given the recorded options, now produces another plan ...
        ExportedModel now = ExportedModel.read(changed);
        HePlan recompiled = HePlan.compile(now.folded().net(), now.plan().options().withLogN(now.plan().logN()));
        assertNotEquals(written.plan().fingerprint(), recompiled.fingerprint());
        // ... but the model runs the plan it was exported with, bit for bit
        assertEquals(written.plan().fingerprint(), now.plan().fingerprint());
        assertEquals(written.plan().instructionCount(), now.plan().instructionCount());
        for (long seed = 1; seed <= 3; seed++) {
            assertArrayEquals(logits(written, seed), logits(now, seed), 0.0);
        }
        assertTrue(now.verify().orElseThrow().contains("the current compiler produces fingerprint"),
                now.verify().toString());
        // a version-1 file in the same situation cannot load: it depends on today's compiler
        Path v1changed = edited(f, "v1-changed.henas", true, true);
        assertTrue(assertThrows(ExportFormatException.class, () -> ExportedModel.read(v1changed)).getMessage()
                .contains("the recompiled plan must have fingerprint"));
        ExportedModel v1 = ExportedModel.read(edited(f, "v1.henas", false, true));
        assertEquals(1, v1.formatVersion());
        assertEquals(written.plan().fingerprint(), v1.plan().fingerprint());
    }

    @Test
    void committedVersionOneModelLoadsRunsAndUpgrades() throws IOException {
        Path old = Path.of("src/test/resources/io/henas/export/fashion-best-v1.henas");
        ExportedModel m = ExportedModel.read(old);
        assertEquals(1, m.formatVersion());
        Map.Entry<ModelSource, Map<String, Object>> src = ExportedModel.readSource(old);
        Path up = dir.resolve("upgraded.henas");
        ExportedModel u = ModelExporter.write(up, src.getKey(), m.plan());
        assertEquals(ExportedModel.VERSION, ExportedModel.read(up).formatVersion());
        assertTrue(u.entryNames().contains(ExportedModel.PLAN), u.entryNames().toString());
        assertEquals(m.plan().fingerprint(), u.plan().fingerprint());
        assertEquals(m.heParameters(), u.heParameters());
        assertArrayEquals(logits(m, 5), logits(u, 5), 0.0);
        assertTrue(u.verify().isEmpty(), u.verify().toString());
    }

    @Test
    void batchNormAfterAnActivationShipsAsTheRankedPlan() throws IOException {
        io.henas.ir.Architecture a = new io.henas.ir.Architecture("bn-after-act", new io.henas.ir.Shape(1, 8, 8), 10,
                java.util.List.of(new io.henas.ir.Layer.Conv(4, 3, 1), new io.henas.ir.Layer.BatchNorm(),
                        new io.henas.ir.Layer.Activation(io.henas.ir.ActivationKind.SQUARE),
                        new io.henas.ir.Layer.BatchNorm(), new io.henas.ir.Layer.GlobalAvgPool(),
                        new io.henas.ir.Layer.Dense(10)));
        for (boolean merge : new boolean[]{true, false}) {
            ModelSource s = ExportTestModels.source(a, 5);
            HePlan ranked = HePlan.compile(a.lower(), CompileOptions.defaults(merge));
            ExportedModel m = ModelExporter.write(dir.resolve("bn-" + merge + ".henas"), s,
                    HePlan.compile(s.folded().net(), CompileOptions.defaults(merge)));
            assertEquals(ranked.fingerprint(), m.plan().fingerprint(), "merge=" + merge);
            assertEquals(ranked.depth(), m.plan().depth(), "merge=" + merge);
        }
    }
}
