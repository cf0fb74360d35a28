package io.henas.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.Packing;
import io.henas.he.PlanSimulator;
import io.henas.he.TestNets;
import io.henas.ir.PlainForward;

class ExportedModelTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsWeightsPlanParametersAndProvenance() throws IOException {
        Path f = dir.resolve("m.henas");
        ExportedModel w = ExportTestModels.exportSecure(f, 7);
        ExportedModel r = ExportedModel.read(f);
        ModelSource src = ExportTestModels.source(ExportTestModels.smallArch(), 7);
        assertEquals(src.folded().net(), r.folded().net());
        assertEquals(src.folded().weights().tensors().keySet(), r.folded().weights().tensors().keySet());
        for (var e : src.folded().weights().tensors().entrySet()) {
            assertArrayEquals(e.getValue().data(), r.folded().weights().tensors().get(e.getKey()).data(), e.getKey());
        }
        HePlan fresh = HePlan.compile(src.folded().net(), CompileOptions.defaults(true));
        assertEquals(fresh.fingerprint(), r.plan().fingerprint());
        assertEquals(fresh.parameters(), r.heParameters());
        assertEquals(w.ckksParameters(), r.ckksParameters());
        assertTrue(r.heParameters().securityBits() >= 128);
        assertEquals(src.provenance(), r.provenance());
        assertArrayEquals(new byte[]{1, 2, 3, 4}, r.dl4jModel().orElseThrow());
        // the plan executes the same numbers as the plaintext forward pass
        double[] x = TestNets.randomInput(r.folded().net().node(0).shape(), 3);
        double[] want = PlainForward.logits(src.folded().net(), src.folded().weights(), x);
        double[] got = PlanSimulator.run(r.binding(), x).logits();
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-9 * Math.max(1, Math.abs(want[i])));
        }
    }

    @Test
    void manifestHoldsNoKeyAndListsTheHeParameters() throws IOException {
        Path f = dir.resolve("m.henas");
        ExportedModel m = ExportTestModels.exportSecure(f, 7);
        Map<String, byte[]> e = entries(f);
        assertEquals(java.util.Set.of(ExportedModel.MANIFEST, ExportedModel.NET, ExportedModel.PLAN,
                ExportedModel.METRICS, ExportedModel.DL4J), e.keySet());
        String manifest = new String(e.get(ExportedModel.MANIFEST), StandardCharsets.UTF_8);
        assertFalse(manifest.toLowerCase().contains("secret"), manifest);
        @SuppressWarnings("unchecked")
        Map<String, Object> he = (Map<String, Object>) m.manifest().get("he");
        assertTrue(he.containsKey("primes") && he.containsKey("plan_fingerprint"), he.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) he.get("parameters");
        for (String k : new String[]{"log_n", "primes", "scale_bits", "log_qp", "galois_steps", "security_bits"}) {
            assertTrue(params.containsKey(k), k);
        }
    }

    /** A net whose current plan multiplexes (two strided convolutions into a dense layer). */
    static io.henas.ir.Architecture muxArch() {
        return new io.henas.ir.Architecture("mux-cnn", new io.henas.ir.Shape(1, 28, 28), 3, List.of(
                new io.henas.ir.Layer.Conv(9, 5, 2), new io.henas.ir.Layer.Activation(io.henas.ir.ActivationKind.POLY2),
                new io.henas.ir.Layer.Conv(12, 3, 2),
                new io.henas.ir.Layer.Activation(io.henas.ir.ActivationKind.SQUARE), new io.henas.ir.Layer.Dense(3)));
    }

    @Test
    void packingIsStoredWithThePlanAndCheckedOnLoad() throws IOException {
        ModelSource src = ExportTestModels.source(muxArch(), 5);
        Path cur = dir.resolve("cur.henas");
        ExportedModel m = ModelExporter.write(cur, src, HePlan.compile(src.folded().net(), CompileOptions.defaults(true)));
        assertEquals(Packing.MULTIPLEXED, ExportedModel.read(cur).plan().packing());
        @SuppressWarnings("unchecked")
        Map<String, Object> he = (Map<String, Object>) m.manifest().get("he");
        assertEquals(2L, ((Number) he.get("packing")).longValue());
        // A block-packed plan keeps its packing and its own fingerprint.
        Path old = dir.resolve("old.henas");
        ModelExporter.write(old, src, HePlan.compile(src.folded().net(), CompileOptions.defaults(true), Packing.BLOCKS));
        ExportedModel r = ExportedModel.read(old);
        assertEquals(Packing.BLOCKS, r.plan().packing());
        assertNotEquals(r.plan().fingerprint(), ExportedModel.read(cur).plan().fingerprint());
        // A manifest that disagrees with the stored plan's packing is refused, naming the field.
        Map<String, byte[]> e = entries(cur);
        String manifest = new String(e.get(ExportedModel.MANIFEST), StandardCharsets.UTF_8);
        assertTrue(manifest.contains("\"packing\": 2"), manifest);
        Map<String, byte[]> bad = new LinkedHashMap<>(e);
        bad.put(ExportedModel.MANIFEST, manifest.replace("\"packing\": 2", "\"packing\": 1")
                .getBytes(StandardCharsets.UTF_8));
        Path badFile = dir.resolve("bad.henas");
        rezip(bad, badFile);
        assertTrue(assertThrows(ExportFormatException.class, () -> ExportedModel.read(badFile)).getMessage()
                .contains("he.packing must equal the stored plan's packing 2, but was 1"));
    }

    @Test
    void committedFashionModelStillLoadsWithBlockPacking() throws IOException {
        Path f = Path.of("src/test/resources/io/henas/export/fashion-best-v1.henas");
        ExportedModel m = ExportedModel.read(f);
        assertEquals(Packing.BLOCKS, m.plan().packing());
        @SuppressWarnings("unchecked")
        Map<String, Object> he = (Map<String, Object>) m.manifest().get("he");
        // a file written before the fingerprint left out the selection evidence records the evidence fingerprint
        assertEquals(he.get("plan_fingerprint"), m.plan().evidenceFingerprint());
        assertNotEquals(m.plan().evidenceFingerprint(), m.plan().fingerprint());
    }

    @Test
    void flippedByteInAnEntryIsDetected() throws IOException {
        Path f = dir.resolve("m.henas");
        ExportTestModels.exportSecure(f, 7);
        Map<String, byte[]> e = entries(f);
        byte[] net = e.get(ExportedModel.NET);
        String s = new String(net, StandardCharsets.UTF_8);
        int at = s.indexOf("\"data\":[") + 9;
        net[at] = (byte) (net[at] == '1' ? '2' : '1');
        Path t = dir.resolve("tampered.henas");
        rezip(e, t);
        ExportFormatException x = assertThrows(ExportFormatException.class, () -> ExportedModel.read(t));
        assertTrue(x.getMessage().contains("net.json") && x.getMessage().contains("SHA-256"), x.getMessage());
    }

    @Test
    void rawCorruptionOfTheFileIsDetected() throws IOException {
        Path f = dir.resolve("m.henas");
        ExportTestModels.exportSecure(f, 7);
        byte[] b = Files.readAllBytes(f);
        for (int pos : new int[]{b.length / 3, b.length / 2, 2 * b.length / 3, 60}) {
            byte[] c = b.clone();
            c[pos] ^= 0x5a;
            Path t = dir.resolve("c" + pos + ".henas");
            Files.write(t, c);
            assertThrows(ExportFormatException.class, () -> ExportedModel.read(t), "flip at " + pos);
        }
        Path trunc = dir.resolve("trunc.henas");
        Files.write(trunc, java.util.Arrays.copyOf(b, b.length / 2));
        assertThrows(ExportFormatException.class, () -> ExportedModel.read(trunc));
    }

    @Test
    void missingExtraAndVersionProblemsAreRejected() throws IOException {
        Path f = dir.resolve("m.henas");
        ExportTestModels.exportSecure(f, 7);
        Map<String, byte[]> e = entries(f);
        Map<String, byte[]> missing = new LinkedHashMap<>(e);
        missing.remove(ExportedModel.DL4J);
        Path t1 = dir.resolve("missing.henas");
        rezip(missing, t1);
        assertTrue(assertThrows(ExportFormatException.class, () -> ExportedModel.read(t1)).getMessage()
                .contains("model.zip"));
        Map<String, byte[]> extra = new LinkedHashMap<>(e);
        extra.put("secret.key", new byte[]{1});
        Path t2 = dir.resolve("extra.henas");
        rezip(extra, t2);
        assertTrue(assertThrows(ExportFormatException.class, () -> ExportedModel.read(t2)).getMessage()
                .contains("secret.key"));
        Map<String, byte[]> ver = new LinkedHashMap<>(e);
        ver.put(ExportedModel.MANIFEST, new String(e.get(ExportedModel.MANIFEST), StandardCharsets.UTF_8)
                .replace("\"version\": 2", "\"version\": 99").getBytes(StandardCharsets.UTF_8));
        Path t3 = dir.resolve("ver.henas");
        rezip(ver, t3);
        assertTrue(assertThrows(ExportFormatException.class, () -> ExportedModel.read(t3)).getMessage()
                .contains("version must be an integer in [1, 2]"));
        Path notZip = dir.resolve("plain.henas");
        Files.writeString(notZip, "hello");
        assertThrows(ExportFormatException.class, () -> ExportedModel.read(notZip));
    }

    @Test
    void tamperedParametersAreRejectedEvenWithAConsistentManifest() throws IOException {
        Path f = dir.resolve("m.henas");
        ExportTestModels.exportSecure(f, 7);
        Map<String, byte[]> e = entries(f);
        String m = new String(e.get(ExportedModel.MANIFEST), StandardCharsets.UTF_8);
        String logn = "\"log_n\": " + ExportedModel.read(f).heParameters().logN();
        assertTrue(m.contains(logn), m);
        e.put(ExportedModel.MANIFEST, m.replace(logn, "\"log_n\": 12").getBytes(StandardCharsets.UTF_8));
        Path t = dir.resolve("params.henas");
        rezip(e, t);
        assertThrows(ExportFormatException.class, () -> ExportedModel.read(t));
    }

    @Test
    void insecurePlansNeedTheInsecureReader() throws IOException {
        ModelSource s = ExportTestModels.source(ExportTestModels.smallArch(), 7);
        HePlan plan = HePlan.compileInsecure(s.folded().net(), CompileOptions.defaults(true), 12);
        if (plan.parameters().securityBits() >= 128) {
            return; // nothing insecure to test at this depth
        }
        Path f = dir.resolve("insecure.henas");
        ModelExporter.write(f, s, plan);
        ExportFormatException x = assertThrows(ExportFormatException.class, () -> ExportedModel.read(f));
        assertTrue(x.getMessage().contains("128-bit"), x.getMessage());
        assertEquals(plan.fingerprint(), ExportedModel.readAllowInsecure(f).plan().fingerprint());
    }

    static Map<String, byte[]> entries(Path f) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(f))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                out.put(e.getName(), z.readAllBytes());
            }
        }
        return out;
    }

    static void rezip(Map<String, byte[]> entries, Path f) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        Files.write(f, b.toByteArray());
    }
}
