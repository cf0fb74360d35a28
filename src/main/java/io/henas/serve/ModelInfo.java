package io.henas.serve;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.henas.export.ExportedModel;

/** The {@code GET /v1/model} document: what a client needs to make keys and queries for the served model. */
final class ModelInfo {
    private ModelInfo() {
    }

    static Map<String, Object> of(ExportedModel m, ServeConfig c, long maxQueryBytes) {
        var plan = m.plan();
        var layout = plan.inputLayout();
        var shape = m.folded().net().node(0).shape();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("name", m.name());
        j.put("plan_fingerprint", plan.fingerprint());
        j.put("program_fingerprint", plan.programFingerprint());
        j.put("parameter_id", m.ckksParameters().id());
        j.put("parameters", m.heParameters().toJson());
        j.put("security_bits", m.heParameters().securityBits());
        j.put("galois_steps", Arrays.stream(plan.galoisSteps()).boxed().toList());
        Map<String, Object> levels = new LinkedHashMap<>();
        plan.galoisKeyLevels().forEach((k, v) -> levels.put(Integer.toString(k), v));
        j.put("galois_key_levels", levels);
        j.put("relinearization_key_level", plan.relinearizationKeyLevel());
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("shape", Arrays.asList(shape.channels(), shape.height(), shape.width()));
        in.put("registers", layout.regCount());
        in.put("layout", layout.toString());
        in.put("level", plan.depth());
        in.put("scale", m.ckksParameters().defaultScale());
        in.put("format", "HENAS-CIPHERTEXTS-V1 (henas infer encrypt): 1 to " + c.maxBatch() + " images");
        j.put("input", in);
        j.put("classes", m.folded().net().outputNode().shape().size());
        Map<String, Object> lim = new LinkedHashMap<>();
        lim.put("max_query_bytes", maxQueryBytes);
        lim.put("max_key_bytes", c.maxKeyBytes());
        lim.put("max_batch", c.maxBatch());
        lim.put("max_sessions", c.maxSessions());
        lim.put("max_concurrent", c.maxConcurrent());
        lim.put("request_timeout_s", c.requestTimeout().toSeconds());
        j.put("limits", lim);
        j.put("keys_format", "HENAS-EVAL-KEYS-V1 (henas infer keygen eval.keys): public, relinearization, Galois");
        return j;
    }
}
