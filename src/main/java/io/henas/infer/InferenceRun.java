package io.henas.infer;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksIO;
import io.henas.cost.CostModel;
import io.henas.cost.MemoryModel;
import io.henas.data.Dataset;
import io.henas.export.ExportedModel;
import io.henas.he.HeParameters;
import io.henas.he.OpCode;
import io.henas.he.OpCounts;
import io.henas.he.OpKind;
import io.henas.he.PlanBinding;
import io.henas.he.PlanSimulator;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeySwitchKey;

/**
 * Runs an exported model on the first {@code images} images of a dataset: always the plaintext simulation of the
 * plan (double arithmetic, the plan's exact order, via {@link PlanSimulator}); with encryption also both roles in one
 * process (client keygen, encrypt, server evaluate, client decrypt), comparing the decrypted logits with the
 * simulation's and the executed operation counts with the plan's.
 */
public final class InferenceRun {
    private InferenceRun() {
    }

    /**
     * Untimed runs of the first image before the timed ones ({@link InferenceServer#warmUpImage}); the first of them
     * is reported as {@code latency_s_first}.
     */
    public static final long WARM_UP_MILLIS = 3000;

    /** Plaintext simulation logits of each image, on {@code threads} threads (one binding each). */
    public static double[][] simulate(ExportedModel m, Dataset d, int images, int threads) {
        double[][] out = new double[images][];
        if (m.plan().packing().batch()) {
            // one run simulates up to N/2 images (one per slot)
            PlanBinding b = m.binding();
            for (int from = 0; from < images; from += m.plan().slots()) {
                int n = Math.min(m.plan().slots(), images - from);
                double[][] x = new double[n][];
                for (int i = 0; i < n; i++) {
                    x[i] = d.image(from + i);
                }
                System.arraycopy(PlanSimulator.runBatch(b, x).logits(), 0, out, from, n);
            }
            return out;
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        Runnable work = () -> {
            try {
                PlanBinding b = m.binding();
                for (int i = next.getAndIncrement(); i < images; i = next.getAndIncrement()) {
                    out[i] = PlanSimulator.run(b, d.image(i)).logits();
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                next.set(images);
            }
        };
        List<Thread> ts = new java.util.ArrayList<>();
        for (int t = 1; t < Math.min(threads, images); t++) {
            ts.add(Thread.ofPlatform().daemon().start(work));
        }
        work.run();
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while simulating", e);
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        for (int i = 0; i < images; i++) {
            if (out[i] == null) {
                throw new IllegalStateException("simulation of image " + i + " failed");
            }
        }
        return out;
    }

    /**
     * Where a run's cost model comes from: one at hand ({@link #of}), or a calibration that the run lets measure after
     * its keys exist, calling {@code afterPass} between passes; the run executes the next share of its images there
     * (see {@link #run(ExportedModel, Dataset, int, boolean, int, CostSource, PrintStream)}).
     */
    @FunctionalInterface
    public interface CostSource {
        /**
         * The cost model (null: no prediction).
         *
         * @param afterPass to call with {@code pass} after each of the calibration's {@link
         *                  io.henas.cost.Calibrator#PASSES} passes, if it measures one (not at all otherwise)
         */
        CostModel obtain(java.util.function.IntConsumer afterPass);

        /** A cost model at hand (null: no prediction). */
        static CostSource of(CostModel model) {
            return afterPass -> model;
        }
    }

    /**
     * Runs the model.
     *
     * @param cost     the cost model predicting latency for {@code threads} (null: no prediction)
     * @param progress where to print one line per image (null: silent)
     * @throws IllegalArgumentException if {@code images} is not in [1, d.size()] or the images do not fit the model
     */
    public static InferenceReport run(ExportedModel m, Dataset d, int images, boolean encrypted, int threads,
                                      CostModel cost, PrintStream progress) {
        return run(m, d, images, encrypted, threads, CostSource.of(cost), progress);
    }

    /**
     * Runs the model, obtaining the cost model from {@code cost} once the keys exist and the server is ready (an
     * encrypted run): when it calibrates, the images run in {@link io.henas.cost.Calibrator#PASSES} shares, share
     * {@code p} (images up to {@code (p + 1) * images / PASSES}) right after pass {@code p}, so that the measured
     * latencies and the calibration predicting them sample the same minutes of the host; the images left (all, when
     * it does not calibrate) run after it.
     *
     * @param progress where to print one line per image (null: silent)
     * @throws IllegalArgumentException if {@code images} is not in [1, d.size()] or the images do not fit the model
     */
    public static InferenceReport run(ExportedModel m, Dataset d, int images, boolean encrypted, int threads,
                                      CostSource cost, PrintStream progress) {
        if (images < 1 || images > d.size()) {
            throw new IllegalArgumentException("images must be in [1, " + d.size() + "], but was " + images);
        }
        if (d.imageSize() != m.folded().net().node(0).shape().size()) {
            throw new IllegalArgumentException("images must have " + m.folded().net().node(0).shape() + " = "
                    + m.folded().net().node(0).shape().size() + " values, but " + d.name() + " has " + d.imageSize());
        }
        if (encrypted && m.plan().packing().batch()) {
            throw new IllegalArgumentException(m.name() + ": the model is batch-packed (one image per slot, "
                    + m.plan().inputLayout().regCount() + " input ciphertexts per batch): run it with --encrypted"
                    + " --batch");
        }
        long t0 = System.nanoTime();
        double[][] sim = simulate(m, d, images, threads);
        double simSeconds = (System.nanoTime() - t0) / 1e9;
        int plainCorrect = 0;
        for (int i = 0; i < images; i++) {
            plainCorrect += InferenceClient.argmax(sim[i]) == d.label(i) ? 1 : 0;
        }
        HeParameters p = m.heParameters();
        int inputs = m.plan().inputLayout().regCount();
        long predictedKeys = MemoryModel.galoisKeyBytes(m.plan()) + MemoryModel.relinearizationKeyBytes(m.plan());
        long ctBytes = (long) (p.dataPrimes()) * 2 * (1L << p.logN()) * 8;
        if (!encrypted) {
            CostModel costModel = cost.obtain(pass -> {
            });
            return new InferenceReport(m.name(), images, false, plainCorrect / (double) images, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, predicted(costModel, m), simSeconds, threads, p.logN(), p.logQp(),
                    p.securityBits(), p.primeBits(), p.specialPrimeBits(), p.digitSize(), -1, -1, -1, -1, predictedKeys,
                    ctBytes, inputs, Double.NaN, Double.NaN, Double.NaN,
                    true, Map.of(), Map.of(), List.of(), byPass(costModel, m));
        }
        long k0 = System.nanoTime();
        InferenceClient client = InferenceClient.generate(m);
        EvaluationKeys keys = client.evaluationKeys();
        double keygen = (System.nanoTime() - k0) / 1e9;
        long galoisBytes = CkksIO.toBytes(keys.galoisKeys(), m.ckksParameters()).length;
        long relinBytes = keys.relinKey() == null ? 0 : CkksIO.toBytes(keys.relinKey(), m.ckksParameters()).length;
        long galoisMemory = 0;
        for (KeySwitchKey k : keys.galoisKeys().asMap().values()) {
            galoisMemory += KeySwitchKey.byteSize(k.params(), k.level());
        }
        long relinMemory = keys.relinKey() == null ? 0
                : KeySwitchKey.byteSize(keys.relinKey().key().params(), keys.relinKey().key().level());
        Images run = new Images(m, d, sim, client, progress);
        CostModel model;
        double first;
        List<Integer> shareEnds = new java.util.ArrayList<>();
        try (InferenceServer server = new InferenceServer(m, keys, threads)) {
            first = server.warmUpImage(client.encrypt(d.image(0)), WARM_UP_MILLIS);
            model = cost.obtain(pass -> {
                run.upTo(server, (int) ((long) (pass + 1) * images / io.henas.cost.Calibrator.PASSES));
                shareEnds.add(run.next);
            });
            run.upTo(server, images);
            if (shareEnds.isEmpty() || shareEnds.getLast() < images) {
                shareEnds.add(images);
            }
        }
        List<Double> byShare = new java.util.ArrayList<>();
        for (int s = 0, from = 0; s < shareEnds.size(); from = shareEnds.get(s), s++) {
            if (shareEnds.get(s) > from) {
                byShare.add(median(Arrays.copyOfRange(run.lat, from, shareEnds.get(s))));
            }
        }
        if (run.bytesOfFirst > 0) {
            ctBytes = run.bytesOfFirst;
        }
        Map<String, Long> ops = new LinkedHashMap<>();
        for (OpKind k : OpKind.values()) {
            ops.put(k.key(), run.last.total(k));
        }
        return new InferenceReport(m.name(), images, true, plainCorrect / (double) images,
                run.encCorrect / (double) images, run.agree / (double) images, run.maxRel, median(run.lat),
                first, predicted(model, m), simSeconds, threads, p.logN(), p.logQp(), p.securityBits(),
                p.primeBits(), p.specialPrimeBits(), p.digitSize(), galoisBytes, relinBytes, galoisMemory, relinMemory,
                predictedKeys, ctBytes, inputs, keygen, median(run.enc), median(run.dec), run.countsOk, ops,
                BatchInferenceRun.opTimes(m.plan(), medianOpSeconds(run.perImage),
                        model == null ? Map.of() : model.secondsByOpCode(m.plan())), byShare, byPass(model, m));
    }

    private static List<Double> byPass(CostModel cost, ExportedModel m) {
        return cost == null ? List.of() : cost.secondsByPass(m.plan());
    }

    private static OptionalDouble predicted(CostModel cost, ExportedModel m) {
        return cost == null ? OptionalDouble.empty() : cost.estimate(m.name(), m.plan()).predictedLatencyS();
    }

    /** The encrypted images of a run, executed in order in one or more shares, and what they measured. */
    private static final class Images {
        private final ExportedModel m;
        private final Dataset d;
        private final double[][] sim;
        private final InferenceClient client;
        private final PrintStream progress;
        private final OpCounts expected;
        final double[] lat;
        final double[] enc;
        final double[] dec;
        final List<Map<OpCode, Double>> perImage = new java.util.ArrayList<>();
        int next;
        int encCorrect;
        int agree;
        double maxRel;
        boolean countsOk = true;
        OpCounts last;
        long bytesOfFirst;

        Images(ExportedModel m, Dataset d, double[][] sim, InferenceClient client, PrintStream progress) {
            this.m = m;
            this.d = d;
            this.sim = sim;
            this.client = client;
            this.progress = progress;
            this.expected = OpCounts.of(m.plan());
            this.lat = new double[sim.length];
            this.enc = new double[sim.length];
            this.dec = new double[sim.length];
        }

        /** Runs the images not yet run below {@code end} (at most all of them). */
        void upTo(InferenceServer server, int end) {
            int images = lat.length;
            for (int i = next; i < Math.min(end, images); i++, next++) {
                long e0 = System.nanoTime();
                List<Ciphertext> in = client.encrypt(d.image(i));
                enc[i] = (System.nanoTime() - e0) / 1e9;
                if (i == 0) {
                    bytesOfFirst = CkksIO.toBytes(in.getFirst()).length;
                }
                InferenceServer.Evaluation ev = server.evaluate(in);
                lat[i] = ev.seconds();
                perImage.add(ev.opSeconds());
                countsOk &= ev.counts().equals(expected);
                last = ev.counts();
                long d0 = System.nanoTime();
                double[] logits = client.decrypt(ev.outputs());
                dec[i] = (System.nanoTime() - d0) / 1e9;
                int pe = InferenceClient.argmax(logits);
                int ps = InferenceClient.argmax(sim[i]);
                encCorrect += pe == d.label(i) ? 1 : 0;
                agree += pe == ps ? 1 : 0;
                double scale = 0;
                double err = 0;
                for (int j = 0; j < logits.length; j++) {
                    scale = Math.max(scale, Math.abs(sim[i][j]));
                    err = Math.max(err, Math.abs(sim[i][j] - logits[j]));
                }
                maxRel = Math.max(maxRel, err / Math.max(scale, 1e-300));
                if (progress != null) {
                    progress.printf("image %d/%d: label %d, encrypted %d, simulated %d, %.3f s%n", i + 1, images,
                            d.label(i), pe, ps, lat[i]);
                }
            }
        }
    }

    /** Per op code, the median over the timed images (all after the warm-up) of its seconds. */
    static Map<OpCode, Double> medianOpSeconds(List<Map<OpCode, Double>> perImage) {
        List<Map<OpCode, Double>> runs = perImage;
        Map<OpCode, Double> out = new java.util.EnumMap<>(OpCode.class);
        for (OpCode c : OpCode.values()) {
            double[] v = new double[runs.size()];
            boolean any = false;
            for (int i = 0; i < v.length; i++) {
                v[i] = runs.get(i).getOrDefault(c, 0.0);
                any |= v[i] > 0;
            }
            if (any) {
                out.put(c, median(v));
            }
        }
        return out;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
