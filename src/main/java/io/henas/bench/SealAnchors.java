package io.henas.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.henas.ir.Json;

/**
 * Stored Microsoft SEAL 4.4 single-thread timings (resource {@code seal-ckks-ops.json}, our own data: the quiet-machine
 * side-by-side run of 2026-12-05), kept for reference only. {@code bench ckks} never computes ratios from them: it
 * measures SEAL in the same run ({@link SealOps}).
 */
public final class SealAnchors {
    /** The date of the stored figures. */
    public static final String STORED_DATE = "2026-12-05";

    private final Map<String, Object> root;

    private SealAnchors(Map<String, Object> root) {
        this.root = root;
    }

    /** Loads the bundled file. */
    public static SealAnchors load() {
        try (InputStream in = SealAnchors.class.getResourceAsStream("seal-ckks-ops.json")) {
            if (in == null) {
                throw new IllegalStateException("resource io/henas/bench/seal-ckks-ops.json is missing");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new SealAnchors(Json.asObject(Json.parse(text, "seal-ckks-ops.json"), "seal-ckks-ops.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored SEAL time of a bench op at ring degree {@code 2^logN} in microseconds, or NaN if none is stored. */
    public double storedMicros(int logN, String op) {
        return storedAll(logN).getOrDefault(op, Double.NaN);
    }

    /** All stored SEAL ops at a degree (empty if none). */
    public Map<String, Double> storedAll(int logN) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (root.get("stored_side_by_side_2026_12_05") instanceof Map<?, ?> sbs && sbs.get("ops_us") instanceof
                Map<?, ?> ops && ops.get(Integer.toString(1 << logN)) instanceof Map<?, ?> t) {
            t.forEach((k, v) -> out.put(k.toString(), ((Number) v).doubleValue()));
        }
        return out;
    }
}
