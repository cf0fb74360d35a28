package io.henas.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksIO;
import io.henas.cost.CostModel;
import io.henas.cost.CostReport;
import io.henas.export.ExportTestModels;
import io.henas.export.ExportedModel;
import io.henas.he.OpCounts;
import io.henas.he.OpKind;
import io.henas.he.PlanSimulator;
import io.henas.he.TestNets;
import io.henas.rlwe.EvaluationKeys;

/** Encrypted inference of a small random-weight net at 128-bit parameters, against the plaintext simulation. */
class EncryptedInferenceTest {
    @TempDir
    static Path dir;
    static ExportedModel model;
    static InferenceClient client;
    static EvaluationKeys keys;
    static InferenceServer server;

    @BeforeAll
    static void setUp() throws IOException {
        model = ExportTestModels.exportSecure(dir.resolve("m.henas"), 11);
        client = InferenceClient.generate(model);
        keys = client.evaluationKeys();
        server = new InferenceServer(model, keys, 2);
    }

    @AfterAll
    static void tearDown() {
        server.close();
    }

    @Test
    void decryptedLogitsMatchThePlaintextSimulation() {
        for (int t = 0; t < 2; t++) {
            double[] x = TestNets.randomInput(model.folded().net().node(0).shape(), 100 + t);
            double[] want = PlanSimulator.run(model.binding(), x).logits();
            InferenceServer.Evaluation ev = server.evaluate(client.encrypt(x));
            double[] got = client.decrypt(ev.outputs());
            double scale = 0;
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                err = Math.max(err, Math.abs(want[i] - got[i]));
            }
            double bits = -Math.log(err / scale) / Math.log(2);
            assertTrue(bits >= 12, "logits must agree to >= 12 bits relative, but had " + bits);
            assertEquals(InferenceClient.argmax(want), InferenceClient.argmax(got));
        }
    }

    /** A seeded client repeats its ciphertexts byte for byte; two generated clients never share them. */
    @Test
    void deterministicClientRepeatsItsNoiseAndGeneratedOnesDoNot() throws IOException {
        double[] x = TestNets.randomInput(model.folded().net().node(0).shape(), 7);
        byte[] seed = new byte[32];
        seed[0] = 5;
        byte[] a = CkksIO.toBytes(InferenceClient.deterministic(model, seed).encrypt(x).get(0));
        byte[] b = CkksIO.toBytes(InferenceClient.deterministic(model, seed).encrypt(x).get(0));
        assertArrayEquals(a, b, "same seed, same key and noise");
        seed[0] = 6;
        byte[] c = CkksIO.toBytes(InferenceClient.deterministic(model, seed).encrypt(x).get(0));
        assertFalse(Arrays.equals(a, c), "another seed, another ciphertext");
        byte[] d = CkksIO.toBytes(InferenceClient.generate(model).encrypt(x).get(0));
        byte[] e = CkksIO.toBytes(InferenceClient.generate(model).encrypt(x).get(0));
        assertFalse(Arrays.equals(d, e), "generated clients draw fresh keys and noise");
    }

    /** The warm-up runs copies: the inputs stay as encrypted (an in-place first instruction would change them). */
    @Test
    void warmUpLeavesTheInputsAndReportsTheFirstRun() {
        double[] x = TestNets.randomInput(model.folded().net().node(0).shape(), 21);
        List<Ciphertext> in = client.encrypt(x);
        List<byte[]> before = in.stream().map(io.henas.ckks.CkksIO::toBytes).toList();
        double first = server.warmUpImage(in, 100);
        assertTrue(first > 0 && first < 100, "seconds of the first run: " + first);
        for (int k = 0; k < in.size(); k++) {
            assertTrue(java.util.Arrays.equals(before.get(k), io.henas.ckks.CkksIO.toBytes(in.get(k))), "input " + k);
        }
        assertEquals(InferenceClient.argmax(PlanSimulator.run(model.binding(), x).logits()),
                InferenceClient.argmax(client.decrypt(server.evaluate(in).outputs())));
    }

    @Test
    void executedCountsEqualTheCostModel() {
        double[] x = TestNets.randomInput(model.folded().net().node(0).shape(), 5);
        InferenceServer.Evaluation ev = server.evaluate(client.encrypt(x));
        assertEquals(OpCounts.of(model.plan()), ev.counts(), "executed counts vs the plan walk");
        CostReport cost = CostModel.uncalibrated().estimate(model.name(), model.plan());
        for (OpKind k : OpKind.values()) {
            if (k != OpKind.ENCODE) {
                assertEquals(cost.total(k), ev.counts().total(k), k + ": executed vs cost model");
            }
        }
        assertTrue(ev.counts().total(OpKind.ROTATE) + ev.counts().total(OpKind.ROTATE_HOISTED) > 0);
    }

    @Test
    void secretKeyFileRoundTripsAndRejectsGarbage() throws IOException {
        Path f = dir.resolve("client.key");
        client.writeSecretKey(f);
        InferenceClient again = InferenceClient.load(model, f);
        double[] x = TestNets.randomInput(model.folded().net().node(0).shape(), 9);
        List<Ciphertext> in = client.encrypt(x);
        double[] a = client.decrypt(server.evaluate(in).outputs());
        double[] b = again.decrypt(server.evaluate(in).outputs());
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-3 * Math.max(1, Math.abs(a[i])));
        }
        byte[] raw = java.nio.file.Files.readAllBytes(f);
        raw[30] ^= 1; // inside the seed
        Path bad = dir.resolve("bad.key");
        java.nio.file.Files.write(bad, raw);
        assertThrows(IOException.class, () -> InferenceClient.load(model, bad));
    }

    @Test
    void serverRejectsKeysWithoutTheRotations() {
        EvaluationKeys noRot = new EvaluationKeys(keys.publicKey(), keys.relinKey(),
                io.henas.rlwe.GaloisKeys.empty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InferenceServer(model, noRot, 1));
        assertTrue(e.getMessage().contains("Galois key"), e.getMessage());
    }
}
