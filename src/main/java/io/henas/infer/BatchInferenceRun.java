package io.henas.infer;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.henas.ckks.Ciphertext;
import io.henas.cost.CostModel;
import io.henas.cost.CostReport;
import io.henas.cost.MemoryModel;
import io.henas.data.Dataset;
import io.henas.export.ExportedModel;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.he.OpCode;
import io.henas.he.OpCounts;
import io.henas.he.PlanSimulator;
import io.henas.ir.Json;
import io.henas.rlwe.EvaluationKeys;

/**
 * Throughput mode: runs a batch-packed model ({@code he.packing: batch}) on the first {@code images <= N/2} test
 * images as ONE encrypted batch (client keygen, encrypt, server evaluate, client decrypt in one process), and the
 * plaintext simulation of the same batch; reports the batch latency, the amortized images per second, the accuracy
 * and the agreement of encrypted and simulated predictions.
 */
public final class BatchInferenceRun {
    private BatchInferenceRun() {
    }

    /** Warm-up before the timed batch ({@link InferenceServer#warmUp}; reported as {@code warmup_s}). */
    static final long WARMUP_MILLIS = 1500;

    /**
     * The results of one batch.
     *
     * @param predictedBatchLatencyS NaN when uncalibrated
     */
    @JsonPropertyOrder({"model", "packing", "images", "batch_latency_s", "images_per_second", "encrypted_accuracy",
            "plain_accuracy", "agreement", "max_relative_logit_error", "predicted_batch_latency_s", "log_n", "log_qp",
            "security_bits", "peak_memory_bytes", "input_ciphertexts", "encrypt_s", "decrypt_s", "keygen_s",
            "threads", "counts_match_plan", "warmup_s", "op_seconds"})
    public record Report(@JsonProperty("model") String name, int images, double batchLatencyS, double imagesPerSecond,
                         double encryptedAccuracy, double plainAccuracy, double agreement,
                         @JsonProperty("max_relative_logit_error") double maxRelError,
                         double predictedBatchLatencyS, int logN, int logQp, double securityBits, long peakMemoryBytes,
                         int inputCiphertexts, @JsonProperty("encrypt_s") double encryptSeconds,
                         @JsonProperty("decrypt_s") double decryptSeconds,
                         @JsonProperty("keygen_s") double keygenSeconds, int threads, boolean countsMatchPlan,
                         @JsonProperty("warmup_s") double warmupSeconds,
                         @JsonProperty("op_seconds") Map<String, OpTime> opSeconds) {
        public Report {
            opSeconds = opSeconds == null ? Map.of() : java.util.Collections.unmodifiableMap(
                    new java.util.LinkedHashMap<>(opSeconds));
        }

        /** Always {@code batch}: written so that a reader tells a batch report from a per-image one. */
        @JsonProperty(value = "packing", access = JsonProperty.Access.READ_ONLY)
        public String packing() {
            return "batch";
        }

        /**
         * The {@code infer --batch --json} document: this record with snake_case keys (Jackson; {@code log_n} was
         * written {@code logN} by earlier versions), non-finite numbers (an uncalibrated prediction) as null.
         */
        public Map<String, Object> toJson() {
            return Json.toTree(this);
        }
    }

    /**
     * Where the batch's time went, per op code: the instructions run, the measured wall seconds (an instruction's time
     * runs to the next one's start; a batch window's fused products count as {@code mul_const_acc}, and its
     * {@code mul_const}s are only recorded) and the cost model's prediction (NaN when uncalibrated).
     */
    @JsonPropertyOrder({"count", "measured_s", "predicted_s"})
    public record OpTime(long count, @JsonProperty("measured_s") double measuredS,
                         @JsonProperty("predicted_s") double predictedS) {
    }

    /**
     * Runs one batch: the plaintext simulation, client keygen and encryption, {@value #WARMUP_MILLIS} ms of server
     * warm-up on a copy of the first input ({@link InferenceServer#warmUp}), the timed server evaluation, decryption.
     *
     * @param cost the cost model predicting the batch latency for {@code threads} (null: no prediction)
     * @throws IllegalArgumentException if the model is not batch-packed, or {@code images} is not in
     *                                  {@code [1, min(N/2, d.size())]}
     */
    public static Report run(ExportedModel m, Dataset d, int images, int threads, CostModel cost) {
        if (!m.plan().packing().batch()) {
            throw new IllegalArgumentException(m.name() + ": --batch needs a model exported with --packing batch, but"
                    + " its plan is packed " + m.plan().packing().name().toLowerCase(java.util.Locale.ROOT)
                    + " (one image per run)");
        }
        int max = Math.min(m.plan().slots(), d.size());
        if (images < 1 || images > max) {
            throw new IllegalArgumentException("--images must be in [1, " + max + "] (N/2 = " + m.plan().slots()
                    + " slots, " + d.size() + " test images), but was " + images);
        }
        double[][] x = new double[images][];
        for (int i = 0; i < images; i++) {
            x[i] = d.image(i);
        }
        double[][] sim = PlanSimulator.runBatch(m.binding(), x).logits();
        long k0 = System.nanoTime();
        InferenceClient client = InferenceClient.generate(m);
        EvaluationKeys keys = client.evaluationKeys();
        double keygen = (System.nanoTime() - k0) / 1e9;
        long e0 = System.nanoTime();
        List<Ciphertext> in = client.encryptBatch(x);
        double enc = (System.nanoTime() - e0) / 1e9;
        InferenceServer.Evaluation ev;
        double warm;
        try (InferenceServer server = new InferenceServer(m, keys, threads)) {
            warm = server.warmUp(in.getFirst(), WARMUP_MILLIS);
            ev = server.evaluate(in);
        }
        long d0 = System.nanoTime();
        double[][] got = client.decryptBatch(ev.outputs(), images);
        double dec = (System.nanoTime() - d0) / 1e9;
        int encCorrect = 0;
        int plainCorrect = 0;
        int agree = 0;
        double maxRel = 0;
        for (int i = 0; i < images; i++) {
            int pe = InferenceClient.argmax(got[i]);
            int ps = InferenceClient.argmax(sim[i]);
            encCorrect += pe == d.label(i) ? 1 : 0;
            plainCorrect += ps == d.label(i) ? 1 : 0;
            agree += pe == ps ? 1 : 0;
            double scale = 0;
            double err = 0;
            for (int j = 0; j < sim[i].length; j++) {
                scale = Math.max(scale, Math.abs(sim[i][j]));
                err = Math.max(err, Math.abs(sim[i][j] - got[i][j]));
            }
            maxRel = Math.max(maxRel, err / Math.max(scale, 1e-300));
        }
        HeParameters p = m.heParameters();
        CostReport cr = cost == null ? null : cost.estimate(m.name(), m.plan());
        double predicted = cr != null && cr.predictedLatencyS().isPresent() ? cr.predictedLatencyS().getAsDouble()
                : Double.NaN;
        return new Report(m.name(), images, ev.seconds(), images / ev.seconds(), encCorrect / (double) images,
                plainCorrect / (double) images, agree / (double) images, maxRel, predicted, p.logN(), p.logQp(),
                p.securityBits(), MemoryModel.peakCiphertextBytes(m.plan()), in.size(), enc, dec, keygen, threads,
                ev.counts().equals(OpCounts.of(m.plan())), warm, opTimes(m.plan(), ev.opSeconds(),
                cost == null ? Map.of() : cost.secondsByOpCode(m.plan())));
    }

    /**
     * Per op code of {@code plan}: its instruction count, the {@code measured} seconds and the {@code predicted} ones
     * (NaN where the cost model has none); codes the plan does not use are absent. Also used for single-image runs.
     */
    static Map<String, OpTime> opTimes(HePlan plan, Map<OpCode, Double> measured,
                                               Map<OpCode, Double> predicted) {
        long[] counts = new long[OpCode.values().length];
        for (int i = 0; i < plan.instructionCount(); i++) {
            counts[plan.op(i).ordinal()]++;
        }
        Map<String, OpTime> out = new java.util.LinkedHashMap<>();
        for (OpCode c : OpCode.values()) {
            if (counts[c.ordinal()] > 0) {
                out.put(c.name().toLowerCase(java.util.Locale.ROOT), new OpTime(counts[c.ordinal()],
                        measured.getOrDefault(c, 0.0), predicted.getOrDefault(c, Double.NaN)));
            }
        }
        return out;
    }
}
