package io.henas.infer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Encoder;
import io.henas.ckks.Encryptor;
import io.henas.ckks.Evaluator;
import io.henas.export.ExportedModel;
import io.henas.he.HePlan;
import io.henas.he.PlanBackend;
import io.henas.he.PlanRunner;
import io.henas.he.TestNets;
import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.SecretKey;

/**
 * Measurement tool (not a test): runs exported models' plans on encrypted random inputs, alternating between the
 * files, and prints the median wall time per run and the time per (node, op code) of the last runs.
 * Usage: {@code PlanProfile RUNS THREADS FILE.henas...}.
 */
public final class PlanProfile {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        List<Setup> setups = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            setups.add(new Setup(ExportedModel.read(Path.of(args[i])), threads));
        }
        for (int r = 0; r < runs; r++) {
            for (Setup s : setups) {
                s.run();
            }
        }
        for (Setup s : setups) {
            s.report();
            s.ev.close();
        }
    }

    static final class Setup {
        final ExportedModel m;
        final HePlan plan;
        final Evaluator ev;
        final CkksPlanBackend backend;
        final List<Ciphertext> in = new ArrayList<>();
        final List<Double> times = new ArrayList<>();
        final Map<String, long[]> byOp = new TreeMap<>();

        Setup(ExportedModel m, int threads) {
            this.m = m;
            this.plan = m.plan();
            CkksParameters params = m.ckksParameters();
            KeyGenerator kg = new KeyGenerator(params.rlwe(), new Sampler());
            SecretKey sk = kg.secretKey();
            EvaluationKeys keys = kg.evaluationKeys(sk, plan.galoisSteps(), false);
            ev = new Evaluator(params, keys, threads);
            backend = new CkksPlanBackend(m.binding(), ev, InferenceServer.DEFAULT_CACHE_BYTES);
            Encoder enc = new Encoder(params);
            Encryptor e = Encryptor.ofPublicKey(params, keys.publicKey());
            double[] x = TestNets.randomInput(plan.net().node(0).shape(), 5);
            for (double[] v : m.binding().packInput(x)) {
                in.add(e.encrypt(enc.encode(v, params.maxLevel(), params.defaultScale())));
            }
        }

        void run() {
            byOp.clear();
            Timed t = new Timed();
            long t0 = System.nanoTime();
            PlanRunner.run(plan, t, in);
            times.add((System.nanoTime() - t0) / 1e9);
        }

        void report() {
            List<Double> s = new ArrayList<>(times.subList(1, times.size()));
            s.sort(null);
            System.out.printf("%s: %s%n  median of %d runs (first dropped): %.3f s, all %s%n", m.name(), plan,
                    s.size(), s.get(s.size() / 2), times);
            for (Map.Entry<String, long[]> e : byOp.entrySet()) {
                System.out.printf("  %-40s %6d ops %8.1f ms%n", e.getKey(), e.getValue()[0], e.getValue()[1] / 1e6);
            }
        }

        /** Times every backend call, attributed to the node and op code of the current instruction. */
        final class Timed implements PlanBackend<Ciphertext> {
            int cur;

            <T> T time(java.util.function.Supplier<T> f) {
                long t0 = System.nanoTime();
                T r = f.get();
                long dt = System.nanoTime() - t0;
                String k = plan.net().node(plan.node(cur)).name() + " " + plan.op(cur);
                long[] a = byOp.computeIfAbsent(k, x -> new long[2]);
                a[0]++;
                a[1] += dt;
                return r;
            }

            @Override
            public void before(int i) {
                cur = i;
                backend.before(i);
            }

            @Override
            public void free(Ciphertext c) {
                backend.free(c);
            }

            @Override
            public Ciphertext rotate(Ciphertext a, int step) { return time(() -> backend.rotate(a, step)); }

            @Override
            public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
                return time(() -> backend.rotateHoisted(a, steps));
            }

            @Override
            public Ciphertext mulPlain(Ciphertext a, int pt, Ciphertext t) { return time(() -> backend.mulPlain(a, pt, t)); }

            @Override
            public Ciphertext mulPlainAcc(Ciphertext acc, Ciphertext a, int pt, Ciphertext t) {
                return time(() -> backend.mulPlainAcc(acc, a, pt, t));
            }

            @Override
            public Ciphertext mulConst(Ciphertext a, int pt, Ciphertext t) { return time(() -> backend.mulConst(a, pt, t)); }

            @Override
            public Ciphertext mulCt(Ciphertext a, Ciphertext b) { return time(() -> backend.mulCt(a, b)); }

            @Override
            public Ciphertext relinearize(Ciphertext a) { return time(() -> backend.relinearize(a)); }

            @Override
            public Ciphertext rescale(Ciphertext a) { return time(() -> backend.rescale(a)); }

            @Override
            public Ciphertext dropLevel(Ciphertext a, int levels) { return time(() -> backend.dropLevel(a, levels)); }

            @Override
            public Ciphertext add(Ciphertext a, Ciphertext b) { return time(() -> backend.add(a, b)); }

            @Override
            public Ciphertext addPlain(Ciphertext a, int pt) { return time(() -> backend.addPlain(a, pt)); }
        }
    }
}
