package io.henas.infer;

import static io.henas.he.TestNets.arch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Decryptor;
import io.henas.ckks.Encoder;
import io.henas.ckks.Encryptor;
import io.henas.ckks.Evaluator;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.OpCounts;
import io.henas.he.Packing;
import io.henas.he.PlanBinding;
import io.henas.he.PlanRunner;
import io.henas.he.TestNets;
import io.henas.ir.ActivationKind;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetFold;
import io.henas.ir.NetWeights;
import io.henas.ir.PlainForward;
import io.henas.ir.Shape;
import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.SecretKey;

/**
 * Batch-packed plans on real CKKS ciphertexts: one ciphertext per input value holding several images (one per
 * slot), no Galois keys; each image's decrypted logits match its plaintext forward pass.
 */
class BatchCkksTest {

    static double[][] encryptedBatchLogits(HePlan plan, NetWeights w, double[][] images) {
        CkksParameters params = plan.parameters().ckksParameters();
        KeyGenerator kg = new KeyGenerator(params.rlwe(), new Sampler());
        SecretKey sk = kg.secretKey();
        EvaluationKeys keys = kg.evaluationKeys(sk, plan.galoisSteps(), false);
        Encoder enc = new Encoder(params);
        Encryptor encryptor = Encryptor.ofPublicKey(params, keys.publicKey());
        Decryptor dec = new Decryptor(params, sk);
        PlanBinding bind = new PlanBinding(plan, w);
        try (Evaluator ev = new Evaluator(params, keys)) {
            List<Ciphertext> in = new ArrayList<>();
            for (double[] v : bind.packBatch(images)) {
                in.add(encryptor.encrypt(enc.encode(v, params.maxLevel(), params.defaultScale())));
            }
            PlanRunner.Result<Ciphertext> r = PlanRunner.run(plan, new CkksPlanBackend(bind, ev,
                    InferenceServer.DEFAULT_CACHE_BYTES), in);
            assertEquals(OpCounts.of(plan), r.counts());
            double[][] out = new double[r.outputs().size()][];
            for (int k = 0; k < out.length; k++) {
                out[k] = enc.decodeReal(dec.decrypt(r.outputs().get(k)));
            }
            return bind.unpackBatch(out, images.length);
        }
    }

    private static void check(LoweredNet net, boolean merge) {
        HePlan plan = HePlan.compile(net, CompileOptions.defaults(merge), Packing.BATCH);
        assertEquals(Packing.BATCH, plan.packing());
        assertEquals(0, plan.galoisSteps().length);
        NetWeights w = TestNets.randomWeights(net, TestNets.SEED);
        double[][] images = new double[5][];
        for (int t = 0; t < images.length; t++) {
            images[t] = TestNets.randomInput(net.node(0).shape(), TestNets.SEED + 11 * t);
        }
        double[][] got = encryptedBatchLogits(plan, NetFold.of(net).weights(w), images);
        for (int t = 0; t < images.length; t++) {
            double[] want = PlainForward.logits(net, w, images[t]);
            double scale = 0;
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                err = Math.max(err, Math.abs(got[t][i] - want[i]));
            }
            double bits = -Math.log(err / scale) / Math.log(2);
            assertTrue(bits >= 8, "image " + t + ": only " + bits + " bits of precision (merge " + merge + ")");
        }
    }

    /** conv (stride, padding) + BN + poly2 + pool + square + dense, merged and unmerged, 5 images in one batch. */
    @Test
    void encryptedBatchMatchesThePlainForwardPassPerImage() {
        LoweredNet net = arch("batch-tiny", new Shape(1, 6, 6), 3, new Layer.Conv(2, 3, 1), new Layer.BatchNorm(),
                new Layer.Activation(ActivationKind.POLY2), new Layer.AvgPool(2), new Layer.Conv(2, 3, 2),
                new Layer.Activation(ActivationKind.SQUARE), new Layer.Dense(3)).lower();
        check(net, true);
        check(net, false);
    }
}
