package io.henas.cost;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

import io.henas.he.OpKind;

/**
 * What {@code henas cost} reports for one architecture: depth, chosen parameters, operation counts per layer and in
 * total, predicted latency (absent when no calibration is available) and memory.
 *
 * @param name                  architecture name
 * @param merge                 coefficient merging on
 * @param depth                 multiplicative depth
 * @param logN                  ring degree
 * @param logQp                 total modulus bits
 * @param primeBits             data prime sizes, q0 first
 * @param specialPrimeBits      special prime sizes ({@code k} entries)
 * @param digitSize             data primes per key-switching digit (alpha)
 * @param precision             predicted and required logit precision of the chain
 * @param scaleBits             log2 of the scale
 * @param securityBits          estimated security
 * @param galoisSteps           rotation steps (Galois keys)
 * @param channelsPerCiphertext feature maps per ciphertext
 * @param layers                per-layer costs, in network order
 * @param predictedLatencyS     predicted latency in seconds, if calibrated
 * @param threads               evaluator threads the calibration was measured with (0 when uncalibrated)
 * @param relinKeyBytes         relinearization key bytes in memory, generated up to the highest level the plan
 *                              relinearizes at ({@link MemoryModel}; 0 if it never does)
 * @param galoisKeyBytes        all Galois keys' bytes in memory, each generated up to the highest level the plan
 *                              rotates by its step ({@link MemoryModel})
 * @param ciphertextBytes       one fresh (top-level) ciphertext
 * @param inputCiphertexts      ciphertexts the client encrypts
 * @param peakCiphertexts       ciphertexts live at once during evaluation
 * @param instructions          plan instructions
 * @param compileMillis         wall time of compilation and costing
 * @param packing               {@code single} (one image per run) or {@code batch} (one image per slot)
 * @param imagesPerRun          images one run of the plan infers: {@code N/2} for the batch packing, else 1
 * @param peakMemoryBytes       the most ciphertext bytes live at once, each register at its level
 *                              ({@link MemoryModel#peakCiphertextBytes})
 */
public record CostReport(String name, boolean merge, int depth, int logN, int logQp, List<Integer> primeBits,
                         List<Integer> specialPrimeBits, int digitSize, io.henas.he.PrecisionReport precision,
                         int scaleBits, double securityBits, List<Integer> galoisSteps,
                         int channelsPerCiphertext, List<LayerCost> layers, OptionalDouble predictedLatencyS,
                         int threads, long relinKeyBytes, long galoisKeyBytes, long ciphertextBytes, int inputCiphertexts,
                         int peakCiphertexts, int instructions, double compileMillis, String packing,
                         int imagesPerRun, long peakMemoryBytes) {
    public CostReport {
        primeBits = List.copyOf(primeBits);
        specialPrimeBits = List.copyOf(specialPrimeBits);
        galoisSteps = List.copyOf(galoisSteps);
        layers = List.copyOf(layers);
    }

    /**
     * One layer (the nodes whose names start with {@code layers[i]}).
     *
     * @param name      layer path
     * @param levels    levels it consumes
     * @param ops       operation counts per kind
     * @param latencyS  predicted seconds, if calibrated
     */
    public record LayerCost(String name, int levels, Map<OpKind, Long> ops, OptionalDouble latencyS) {
        public LayerCost {
            ops = java.util.Collections.unmodifiableMap(new EnumMap<>(ops));
        }

        public long count(OpKind k) {
            return ops.getOrDefault(k, 0L);
        }
    }

    /** Total count of {@code kind}. */
    public long total(OpKind kind) {
        return layers.stream().mapToLong(l -> l.count(kind)).sum();
    }

    /** Predicted images per second (amortized over a full run of {@link #imagesPerRun}), if calibrated. */
    public OptionalDouble imagesPerSecond() {
        return predictedLatencyS.isPresent() && predictedLatencyS.getAsDouble() > 0
                ? OptionalDouble.of(imagesPerRun / predictedLatencyS.getAsDouble()) : OptionalDouble.empty();
    }

    /** Relinearization plus Galois key bytes. */
    public long keyBytes() {
        return relinKeyBytes + galoisKeyBytes;
    }

    /** Rotations, hoisted or not. */
    public long rotations() {
        return total(OpKind.ROTATE) + total(OpKind.ROTATE_HOISTED);
    }

    /** Ciphertext x plaintext products, by a plaintext vector or a constant, those that accumulate included. */
    public long mulPlain() {
        return mulPlain(this::total);
    }

    /** Additions of ciphertexts and of plaintexts, those of multiply-accumulates included. */
    public long adds() {
        return adds(this::total);
    }

    private static long mulPlain(java.util.function.ToLongFunction<OpKind> c) {
        return c.applyAsLong(OpKind.MUL_PLAIN) + c.applyAsLong(OpKind.MUL_PLAIN_ACC) + c.applyAsLong(OpKind.MUL_CONST)
                + c.applyAsLong(OpKind.MUL_CONST_ACC);
    }

    private static long adds(java.util.function.ToLongFunction<OpKind> c) {
        return c.applyAsLong(OpKind.ADD) + c.applyAsLong(OpKind.ADD_PLAIN) + c.applyAsLong(OpKind.MUL_PLAIN_ACC)
                + c.applyAsLong(OpKind.MUL_CONST_ACC);
    }

    /** JSON for {@code --json}: the keys of issue 4 plus details. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("merge", merge);
        m.put("depth", depth);
        m.put("log_n", logN);
        m.put("log_qp", logQp);
        m.put("primes", primeBits);
        m.put("special_prime_bits", specialPrimeBits);
        m.put("special_primes", specialPrimeBits.size());
        m.put("digit_size", digitSize);
        m.put("digits", (primeBits.size() + digitSize - 1) / digitSize);
        m.put("precision_bits_required", precision.requiredBits());
        m.put("precision_bits_predicted", precision.predictedBits());
        m.put("precision", precision.toJson());
        m.put("scale_bits", scaleBits);
        m.put("security_bits", securityBits);
        m.put("galois_steps", galoisSteps);
        m.put("channels_per_ciphertext", channelsPerCiphertext);
        m.put("predicted_latency_s", predictedLatencyS.isPresent() ? predictedLatencyS.getAsDouble() : null);
        m.put("calibrated", predictedLatencyS.isPresent());
        m.put("threads", threads);
        m.put("key_bytes", keyBytes());
        m.put("relin_key_bytes", relinKeyBytes);
        m.put("galois_key_bytes", galoisKeyBytes);
        m.put("ciphertext_bytes", ciphertextBytes);
        m.put("input_ciphertexts", inputCiphertexts);
        m.put("peak_ciphertexts", peakCiphertexts);
        m.put("peak_ciphertext_bytes", (long) peakCiphertexts * ciphertextBytes);
        m.put("instructions", instructions);
        m.put("packing", packing);
        m.put("images_per_run", imagesPerRun);
        m.put("peak_memory_bytes", peakMemoryBytes);
        m.put("images_per_second", imagesPerSecond().isPresent() ? imagesPerSecond().getAsDouble() : null);
        m.put("ops", opsJson(null));
        List<Object> ls = new ArrayList<>();
        for (LayerCost l : layers) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", l.name());
            e.put("levels", l.levels());
            e.put("ops", opsJson(l));
            e.put("latency_s", l.latencyS().isPresent() ? l.latencyS().getAsDouble() : null);
            ls.add(e);
        }
        m.put("layers", ls);
        m.put("compile_ms", compileMillis);
        return m;
    }

    private Map<String, Object> opsJson(LayerCost l) {
        java.util.function.ToLongFunction<OpKind> c = k -> l == null ? total(k) : l.count(k);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rotations", c.applyAsLong(OpKind.ROTATE) + c.applyAsLong(OpKind.ROTATE_HOISTED));
        o.put("mul_plain", mulPlain(c));
        o.put("mul_ct", c.applyAsLong(OpKind.MUL_CT));
        o.put("rescale", c.applyAsLong(OpKind.RESCALE));
        o.put("add", adds(c));
        Map<String, Object> detail = new LinkedHashMap<>();
        for (OpKind k : OpKind.values()) {
            detail.put(k.key(), c.applyAsLong(k));
        }
        o.put("by_kind", detail);
        return o;
    }

    /** A human-readable report: parameters, then one row per layer and a total. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s  (merge %s, packing %s)%n", name, merge ? "on" : "off", packing));
        sb.append(String.format(Locale.ROOT, "depth %d   logN %d   log QP %d   security %.1f bits   scale 2^%d%n", depth,
                logN, logQp, securityBits, scaleBits));
        sb.append(String.format(Locale.ROOT, "primes %s + special %s   digits of %d prime%s   %d channels/ciphertext   "
                        + "%d Galois steps%n", primeBits, specialPrimeBits, digitSize, digitSize == 1 ? "" : "s",
                channelsPerCiphertext, galoisSteps.size()));
        sb.append(String.format(Locale.ROOT, "precision %.1f bits predicted, %.1f required (%s)%n",
                precision.predictedBits(), precision.requiredBits(), precision.source()));
        sb.append(String.format(Locale.ROOT, "keys %s (relin %s, Galois %s)   ciphertext %s   peak %d ciphertexts (%s)%n",
                bytes(keyBytes()), bytes(relinKeyBytes), bytes(galoisKeyBytes), bytes(ciphertextBytes), peakCiphertexts,
                bytes((long) peakCiphertexts * ciphertextBytes)));
        sb.append(String.format(Locale.ROOT, "peak ciphertext memory %s at their levels   %d image%s per run%s%n",
                bytes(peakMemoryBytes), imagesPerRun, imagesPerRun == 1 ? "" : "s", imagesPerSecond().isPresent()
                        ? "   " + rate(imagesPerSecond().getAsDouble()) + " images/s predicted" : ""));
        String fmt = "%-26s %6s %9s %9s %8s %8s %9s %8s %12s%n";
        sb.append(String.format(Locale.ROOT, fmt, "layer", "levels", "rotations", "mul_plain", "mul_ct", "rescale", "add",
                "encode", "latency ms"));
        for (LayerCost l : layers) {
            sb.append(String.format(Locale.ROOT, fmt, l.name(), l.levels(),
                    l.count(OpKind.ROTATE) + l.count(OpKind.ROTATE_HOISTED), mulPlain(l::count),
                    l.count(OpKind.MUL_CT), l.count(OpKind.RESCALE), adds(l::count), l.count(OpKind.ENCODE),
                    ms(l.latencyS())));
        }
        sb.append(String.format(Locale.ROOT, fmt, "total", depth, rotations(), mulPlain(), total(OpKind.MUL_CT),
                total(OpKind.RESCALE), adds(), total(OpKind.ENCODE), ms(predictedLatencyS)));
        sb.append(predictedLatencyS.isPresent()
                ? String.format(Locale.ROOT, "predicted latency %.3f s (%d evaluator thread%s)%n",
                predictedLatencyS.getAsDouble(), threads, threads == 1 ? "" : "s")
                : String.format(Locale.ROOT, "predicted latency: not calibrated for logN %d (run 'henas bench calibrate')%n",
                        logN));
        return sb.toString();
    }

    private static String ms(OptionalDouble s) {
        return s.isPresent() ? String.format(Locale.ROOT, "%.1f", s.getAsDouble() * 1e3) : "-";
    }

    private static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
    }

    /** A rate with three significant digits below 100 (a single-image plan's 0.0168 images/s is not "0.0"). */
    static String rate(double perSecond) {
        return perSecond >= 100 ? String.format(Locale.ROOT, "%.0f", perSecond)
                : String.format(Locale.ROOT, "%.3g", perSecond);
    }
}
