package io.henas.infer;

import static io.henas.he.TestNets.arch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Encoder;
import io.henas.ckks.Encryptor;
import io.henas.ckks.Evaluator;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.OpCode;
import io.henas.he.OpCounts;
import io.henas.he.Packing;
import io.henas.he.PlanBinding;
import io.henas.he.PlanRunner;
import io.henas.he.TestNets;
import io.henas.ir.ActivationKind;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetFold;
import io.henas.ir.Shape;
import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.SecretKey;

/** The fused batch runner executes the same instructions as {@link PlanRunner} and gives bit-identical outputs. */
class FusedBatchRunnerTest {

    private static LoweredNet net() {
        return arch("batch-fused", new Shape(1, 6, 6), 3, new Layer.Conv(3, 3, 1), new Layer.BatchNorm(),
                new Layer.Activation(ActivationKind.POLY2), new Layer.AvgPool(2), new Layer.Dense(4),
                new Layer.Activation(ActivationKind.SQUARE), new Layer.Dense(3)).lower();
    }

    @Test
    void windowsCoverTheLinearLayersOnly() {
        for (boolean merge : new boolean[]{true, false}) {
            HePlan plan = HePlan.compile(net(), CompileOptions.defaults(merge), Packing.BATCH);
            List<int[]> ws = FusedBatchRunner.windows(plan);
            assertTrue(ws.size() >= 3, "conv, dense and dense windows, but had " + ws.size());
            long products = 0;
            int last = 0;
            for (int[] w : ws) {
                assertTrue(w[0] >= last && w[1] > w[0]);
                last = w[1];
                for (int j = w[0]; j < w[1]; j++) {
                    OpCode op = plan.op(j);
                    assertTrue(op == OpCode.MUL_CONST || op == OpCode.MUL_CONST_ACC || op == OpCode.RESCALE
                            || op == OpCode.ADD_PLAIN, op.toString());
                    products += op == OpCode.MUL_CONST_ACC ? 1 : 0;
                }
            }
            long all = 0;
            boolean[] in = new boolean[plan.instructionCount()];
            for (int[] w : ws) {
                java.util.Arrays.fill(in, w[0], w[1], true);
            }
            for (int j = 0; j < plan.instructionCount(); j++) {
                all += plan.op(j) == OpCode.MUL_CONST_ACC ? 1 : 0;
                assertTrue(plan.op(j) != OpCode.MUL_CONST_ACC || in[j], "instruction " + j + " outside windows");
            }
            assertEquals(all, products, "every multiply-accumulate is inside a window (merge " + merge + ")");
        }
    }

    @Test
    void fusedRunIsBitIdenticalToTheInstructionByInstructionRun() {
        bitIdentical(true);
        bitIdentical(false);
    }

    private static void bitIdentical(boolean merge) {
        LoweredNet net = net();
        HePlan plan = HePlan.compile(net, CompileOptions.defaults(merge), Packing.BATCH);
        PlanBinding bind = new PlanBinding(plan, NetFold.of(net).weights(TestNets.randomWeights(net, TestNets.SEED)));
        CkksParameters params = plan.parameters().ckksParameters();
        KeyGenerator kg = new KeyGenerator(params.rlwe(), new Sampler());
        SecretKey sk = kg.secretKey();
        EvaluationKeys keys = kg.evaluationKeys(sk, plan.galoisSteps(), false);
        Encoder enc = new Encoder(params);
        Encryptor encryptor = Encryptor.ofPublicKey(params, keys.publicKey());
        double[][] images = new double[3][];
        for (int t = 0; t < images.length; t++) {
            images[t] = TestNets.randomInput(net.node(0).shape(), TestNets.SEED + 5 * t);
        }
        List<Ciphertext> in = new ArrayList<>();
        for (double[] v : bind.packBatch(images)) {
            in.add(encryptor.encrypt(enc.encode(v, params.maxLevel(), params.defaultScale())));
        }
        List<Ciphertext> in2 = new ArrayList<>();
        for (Ciphertext c : in) {
            in2.add(c.copy());
        }
        try (Evaluator ev = new Evaluator(params, keys, 2)) {
            PlanRunner.Result<Ciphertext> want = PlanRunner.run(plan, new CkksPlanBackend(bind, ev, 0), in);
            FusedBatchRunner.Result got = FusedBatchRunner.run(plan, new CkksPlanBackend(bind, ev, 0), in2);
            assertEquals(OpCounts.of(plan), got.counts());
            assertEquals(want.outputs().size(), got.outputs().size());
            for (int k = 0; k < want.outputs().size(); k++) {
                Ciphertext a = want.outputs().get(k);
                Ciphertext b = got.outputs().get(k);
                assertEquals(a.level(), b.level());
                assertEquals(a.scale(), b.scale(), 0.0);
                for (int p = 0; p < a.size(); p++) {
                    for (int i = 0; i <= a.level(); i++) {
                        assertArrayEquals(a.poly(p).limb(i), b.poly(p).limb(i), "output " + k + " poly " + p);
                    }
                }
            }
        }
    }
}
