package io.henas.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.henas.json.Json;

/**
 * Microsoft SEAL 4.4 single-thread timings measured on this project's machine kind (resource
 * {@code seal-ckks-ops.json}, our own data): per ring degree, median microseconds per op on SEAL's default chain.
 */
public final class SealAnchors {
    private final Map<String, Object> root;

    private SealAnchors(Map<String, Object> root) {
        this.root = root;
    }

    /** Loads the bundled anchors. */
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

    /**
     * SEAL's time for a bench op name at ring degree {@code 2^logN} in microseconds, or {@code NaN} if there is no
     * anchor ({@code ntt_forward} maps to the one-50-bit-prime NTT; {@code rotate_hoisted_8} has none).
     */
    public double micros(int logN, String op) {
        String n = Integer.toString(1 << logN);
        Object table = op.equals("ntt_forward") ? root.get("ntt_forward_one_50bit_prime_us")
                : root.get("default_chain_ops_us") instanceof Map<?, ?> m ? m.get(n) : null;
        Object v = op.equals("ntt_forward") ? (table instanceof Map<?, ?> t ? t.get(n) : null)
                : (table instanceof Map<?, ?> t ? t.get(op) : null);
        return v instanceof Number num ? num.doubleValue() : Double.NaN;
    }

    /** All SEAL ops at a degree (empty if none). */
    public Map<String, Double> all(int logN) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (root.get("default_chain_ops_us") instanceof Map<?, ?> m && m.get(Integer.toString(1 << logN)) instanceof
                Map<?, ?> t) {
            t.forEach((k, v) -> out.put(k.toString(), ((Number) v).doubleValue()));
        }
        return out;
    }
}
