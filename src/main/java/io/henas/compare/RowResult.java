package io.henas.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.henas.cost.CostReport;
import io.henas.he.OpKind;
import io.henas.ir.Json;

/**
 * Everything measured or predicted for one row of an experiment.
 *
 * @param cost          the plan's parameters and operation counts (henas' packing)
 * @param hemet         the same network in HEMET's layout (one channel per ciphertext), predicted only; absent if
 *                      it does not compile (e.g. beyond the 128-bit bound at every ring)
 * @param logNInsecure  smallest ring whose primes hold the plan when the 128-bit bound is ignored
 * @param measured      encrypted latency on real ciphertexts (CIFAR-shaped input, random weights), if measured
 * @param trained       Fashion-MNIST accuracy and encrypted latency, if trained
 * @param errors        what failed for this row (measurement or training), so one failure does not lose the rest
 */
public record RowResult(String name, Experiment.Role role, boolean merge, Ops cost, Optional<Ops> hemet,
                        OptionalInt logNInsecure, Optional<Measured> measured, Optional<Trained> trained,
                        java.util.List<String> errors) {
    public RowResult {
        errors = java.util.List.copyOf(errors);
    }

    /** Plan summary: parameters, counts, predicted latency. */
    public record Ops(int depth, int logN, int logQp, double securityBits, long rotations, long mulPlain, long mulCt,
                      long rescales, OptionalDouble predictedLatencyS, long galoisKeyBytes, int channelsPerCiphertext,
                      int instructions) {
        public static Ops of(CostReport r) {
            return new Ops(r.depth(), r.logN(), r.logQp(), r.securityBits(), r.rotations(), r.mulPlain(),
                    r.total(OpKind.MUL_CT), r.total(OpKind.RESCALE), r.predictedLatencyS(), r.galoisKeyBytes(),
                    r.channelsPerCiphertext(), r.instructions());
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("depth", depth);
            m.put("log_n", logN);
            m.put("log_qp", logQp);
            m.put("security_bits", securityBits);
            m.put("rotations", rotations);
            m.put("mul_plain", mulPlain);
            m.put("mul_ct", mulCt);
            m.put("rescales", rescales);
            m.put("predicted_latency_s", nullable(predictedLatencyS));
            m.put("galois_key_bytes", galoisKeyBytes);
            m.put("channels_per_ciphertext", channelsPerCiphertext);
            m.put("instructions", instructions);
            return m;
        }
    }

    /**
     * A latency measurement.
     *
     * @param mode        end-to-end or layerwise
     * @param latencyS    encrypted latency (sum of the segment medians)
     * @param detail      the full measurement report (per-segment times, counts, errors)
     */
    public record Measured(String mode, double latencyS, double maxAbsError, Map<String, Object> detail) {
        public Measured {
            detail = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(detail));
        }
    }

    /**
     * Fashion-MNIST results.
     *
     * @param accuracy            test accuracy of the trained model (plaintext, on the budget's test images)
     * @param encryptedAccuracy   accuracy of the decrypted outputs on the first {@code images} test images
     * @param agreement           fraction of those images where encrypted and plaintext predictions agree
     * @param encryptedLatencyS   encrypted latency per image (sum of segment medians over the images)
     * @param mode                end-to-end or layerwise
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Trained(double accuracy, double encryptedAccuracy, double agreement, int images,
                          double encryptedLatencyS, String mode, String model) {
        /** The cached row ({@code encrypted-*.json} without its measurement): this record with snake_case keys. */
        Map<String, Object> toJson() {
            return Json.toTree(this);
        }

        /** Reads {@link #toJson()}'s keys (others, such as the measurement, are ignored); errors name {@code source}. */
        static Trained fromJson(Map<String, Object> m, String source) {
            return Json.toValue(m, source, Trained.class);
        }
    }

    static double num(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof Number n)) {
            throw new IllegalArgumentException(k + " must be a number, but was " + m.get(k));
        }
        return n.doubleValue();
    }

    static Object nullable(OptionalDouble d) {
        return d.isPresent() ? d.getAsDouble() : null;
    }

    /** Measured latency, if any. */
    public OptionalDouble measuredLatencyS() {
        return measured.map(m -> OptionalDouble.of(m.latencyS())).orElse(OptionalDouble.empty());
    }

    /** The row as written in {@code results.json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("role", role.key());
        m.put("merge", merge);
        Map<String, Object> c = cost.toJson();
        m.putAll(c);
        m.put("measured_latency_s", measured.map(x -> (Object) x.latencyS()).orElse(null));
        m.put("measurement_mode", measured.map(x -> (Object) x.mode()).orElse(null));
        m.put("measurement_max_abs_error", measured.map(x -> (Object) x.maxAbsError()).orElse(null));
        m.put("accuracy", trained.map(x -> (Object) x.accuracy()).orElse(null));
        m.put("encrypted_accuracy", trained.map(x -> (Object) x.encryptedAccuracy()).orElse(null));
        m.put("fashion_encrypted_latency_s", trained.map(x -> (Object) x.encryptedLatencyS()).orElse(null));
        m.put("log_n_insecure", logNInsecure.isPresent() ? logNInsecure.getAsInt() : null);
        m.put("smaller_ring_without_bound", logNInsecure.isPresent() ? logNInsecure.getAsInt() < cost.logN() : null);
        m.put("hemet_layout", hemet.map(h -> (Object) h.toJson()).orElse(null));
        m.put("fashion", trained.map(x -> (Object) x.toJson()).orElse(null));
        m.put("measurement", measured.map(x -> (Object) x.detail()).orElse(null));
        m.put("errors", errors);
        return m;
    }
}
