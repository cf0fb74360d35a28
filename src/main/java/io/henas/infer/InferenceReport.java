package io.henas.infer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The outcome of {@link InferenceRun}: plaintext-simulation accuracy and, for encrypted runs, encrypted accuracy,
 * agreement, logit error, latency, the chain and key sizes (serialized, and in memory as generated next to the
 * cost model's prediction). {@link #toJson()} gives the {@code henas infer --json} keys.
 *
 * @param model              model name
 * @param images             images evaluated
 * @param encrypted          whether the images were run under encryption
 * @param plainAccuracy      accuracy of the plaintext simulation of the plan (double arithmetic, plan order)
 * @param encryptedAccuracy  accuracy of the decrypted predictions (NaN if not encrypted)
 * @param agreement          fraction of images whose decrypted argmax equals the simulation's (NaN if not encrypted)
 * @param maxRelLogitError   max over images of {@code max_i |enc_i - sim_i| / max_i |sim_i|} (NaN if not encrypted)
 * @param latencyMedianS     median server evaluation seconds per image (NaN if not encrypted)
 * @param latencyFirstS      the first evaluation's seconds (the first untimed warm-up run of image 0: encodes and
 *                           caches the plaintexts; NaN if not encrypted)
 * @param predictedLatencyS  the cost model's prediction for the executor's thread count, if calibrated
 * @param simulationSeconds  wall seconds of the plaintext simulation of all images
 * @param threads            evaluator threads
 * @param logN               ring degree exponent
 * @param logQp              total modulus bits
 * @param securityBits       estimated security
 * @param primeBits          data prime sizes, {@code q0} first
 * @param specialPrimeBits   special prime sizes ({@code k} entries)
 * @param digitSize          data primes per key-switching digit ({@code alpha})
 * @param galoisKeyBytes     serialized Galois keys (-1 if not encrypted)
 * @param relinKeyBytes      serialized relinearization key (0 if none, -1 if not encrypted)
 * @param galoisKeyMemoryBytes in-memory bytes of the generated Galois keys (each up to its level; -1 if not encrypted)
 * @param relinKeyMemoryBytes  in-memory bytes of the generated relinearization key (-1 if not encrypted)
 * @param predictedKeyMemoryBytes the cost model's key memory ({@code io.henas.cost.MemoryModel}: Galois plus relin)
 * @param ciphertextBytes    one serialized input ciphertext
 * @param inputCiphertexts   ciphertexts per image
 * @param keygenSeconds      client key generation seconds (NaN if not encrypted)
 * @param encryptSecondsMedian median client encryption seconds per image (NaN if not encrypted)
 * @param decryptSecondsMedian median client decryption seconds per image (NaN if not encrypted)
 * @param countsMatchCostModel whether every image's executed counts equalled the plan's (cost model's) counts
 * @param operations         executed operations per image by kind
 * @param opSeconds          per op code: instructions per image, the median over images after the first (which
 *                           encodes and caches the plaintexts) of the wall seconds spent in them, and the cost model's
 *                           seconds (NaN without a calibration); empty when not encrypted
 * @param latencySByShare    when the run calibrated between its images ({@code infer --calibrate} on an empty cache),
 *                           the median latency of each share, in order (share {@code p} ran right after pass
 *                           {@code p}); else one entry, the median of all images; empty when not encrypted
 * @param predictedLatencySByPass the plan priced by each pass of the calibration alone, in pass order (their median
 *                           is {@code predictedLatencyS}); empty without a calibration
 */
public record InferenceReport(String model, int images, boolean encrypted, double plainAccuracy,
                              double encryptedAccuracy, double agreement, double maxRelLogitError,
                              double latencyMedianS, double latencyFirstS, OptionalDouble predictedLatencyS,
                              double simulationSeconds, int threads, int logN, int logQp, double securityBits,
                              java.util.List<Integer> primeBits, java.util.List<Integer> specialPrimeBits, int digitSize,
                              long galoisKeyBytes, long relinKeyBytes, long galoisKeyMemoryBytes,
                              long relinKeyMemoryBytes, long predictedKeyMemoryBytes, long ciphertextBytes, int inputCiphertexts, double keygenSeconds,
                              double encryptSecondsMedian, double decryptSecondsMedian, boolean countsMatchCostModel,
                              Map<String, Long> operations, Map<String, BatchInferenceRun.OpTime> opSeconds,
                              java.util.List<Double> latencySByShare, java.util.List<Double> predictedLatencySByPass) {
    public InferenceReport {
        latencySByShare = java.util.List.copyOf(latencySByShare);
        predictedLatencySByPass = java.util.List.copyOf(predictedLatencySByPass);
        operations = Map.copyOf(operations);
        opSeconds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(opSeconds));
        primeBits = java.util.List.copyOf(primeBits);
        specialPrimeBits = java.util.List.copyOf(specialPrimeBits);
    }

    /** JSON form; NaN and absent values are written as null. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("images", images);
        m.put("encrypted", encrypted);
        m.put("plain_accuracy", n(plainAccuracy));
        m.put("encrypted_accuracy", n(encryptedAccuracy));
        m.put("agreement", n(agreement));
        m.put("max_rel_logit_error", n(maxRelLogitError));
        m.put("latency_s_median", n(latencyMedianS));
        m.put("latency_s_first", n(latencyFirstS));
        m.put("predicted_latency_s", predictedLatencyS.isPresent() ? predictedLatencyS.getAsDouble() : null);
        m.put("latency_s_by_share", latencySByShare);
        m.put("predicted_latency_s_by_pass", predictedLatencySByPass);
        m.put("latency_rel_error", predictedLatencyS.isPresent() && !Double.isNaN(latencyMedianS)
                ? Math.abs(predictedLatencyS.getAsDouble() - latencyMedianS) / latencyMedianS : null);
        m.put("simulation_s", simulationSeconds);
        m.put("threads", threads);
        m.put("log_n", logN);
        m.put("log_qp", logQp);
        m.put("security_bits", securityBits);
        m.put("primes", primeBits);
        m.put("special_prime_bits", specialPrimeBits);
        m.put("special_primes", specialPrimeBits.size());
        m.put("digit_size", digitSize);
        m.put("galois_key_bytes", b(galoisKeyBytes));
        m.put("relin_key_bytes", b(relinKeyBytes));
        m.put("key_bytes", galoisKeyBytes < 0 ? null : galoisKeyBytes + relinKeyBytes);
        m.put("galois_key_memory_bytes", b(galoisKeyMemoryBytes));
        m.put("relin_key_memory_bytes", b(relinKeyMemoryBytes));
        m.put("key_memory_bytes", galoisKeyMemoryBytes < 0 ? null : galoisKeyMemoryBytes + relinKeyMemoryBytes);
        m.put("predicted_key_memory_bytes", predictedKeyMemoryBytes);
        m.put("ciphertext_bytes", ciphertextBytes);
        m.put("input_ciphertexts", inputCiphertexts);
        m.put("keygen_s", n(keygenSeconds));
        m.put("encrypt_s_median", n(encryptSecondsMedian));
        m.put("decrypt_s_median", n(decryptSecondsMedian));
        m.put("counts_match_cost_model", countsMatchCostModel);
        m.put("operations", new java.util.TreeMap<>(operations));
        Map<String, Object> ops = new LinkedHashMap<>();
        opSeconds.forEach((k, t) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("count", t.count());
            e.put("measured_s", t.measuredS());
            e.put("predicted_s", n(t.predictedS()));
            ops.put(k, e);
        });
        m.put("op_seconds", ops);
        return m;
    }

    private static Object b(long v) {
        return v < 0 ? null : v;
    }

    private static Object n(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
