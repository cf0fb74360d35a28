package io.henas.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.cost.MemoryModel;
import io.henas.export.ExportedModel;
import io.henas.he.HeParameters;
import io.henas.he.PlanSimulator;
import io.henas.he.TestNets;

/**
 * fashion-best as exported before hybrid key switching (format 1, kept as a test fixture) carries a fixed SEAL-shape chain ({@code k = alpha = 1}) from before hybrid key
 * switching: it still loads with the same parameters and plan, and runs under encryption with leveled keys.
 */
class CommittedModelTest {
    static final Path MODEL = Path.of("src/test/resources/io/henas/export/fashion-best-v1.henas");

    @Test
    void loadsWithItsFixedSealChain() throws IOException {
        ExportedModel m = ExportedModel.read(MODEL);
        HeParameters p = m.heParameters();
        assertEquals(13, p.logN());
        assertEquals(List.of(36, 29, 29, 29, 29, 29), p.primeBits());
        assertEquals(List.of(37), p.specialPrimeBits());
        assertEquals(1, p.digitSize());
        assertEquals(1, m.ckksParameters().rlwe().specialPrimeCount());
        assertEquals(1, m.ckksParameters().rlwe().digitSize());
        assertTrue(MemoryModel.galoisKeyBytes(m.plan()) <= MemoryModel.topLevelGaloisKeyBytes(m.plan()));
    }

    @Test
    void runsUnderEncryptionWithLeveledKeys() throws IOException {
        ExportedModel m = ExportedModel.read(MODEL);
        InferenceClient client = InferenceClient.generate(m);
        double[] x = TestNets.randomInput(m.folded().net().node(0).shape(), 3);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.abs(x[i]) % 1.0; // pixel-like values in [0, 1)
        }
        double[] want = PlanSimulator.run(m.binding(), x).logits();
        try (InferenceServer server = new InferenceServer(m, client.evaluationKeys(), 2)) {
            double[] got = client.decrypt(server.evaluate(client.encrypt(x)).outputs());
            double scale = 0;
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                err = Math.max(err, Math.abs(want[i] - got[i]));
            }
            assertTrue(err / scale < Math.pow(2, -8), "relative logit error " + err / scale);
            assertEquals(InferenceClient.argmax(want), InferenceClient.argmax(got));
        }
    }
}
