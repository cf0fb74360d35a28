package io.henas.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.henas.ir.Json;

import org.junit.jupiter.api.Test;

/** The {@code infer --batch --json} document is the {@link BatchInferenceRun.Report} record written by Jackson. */
class BatchReportJsonTest {
    private static BatchInferenceRun.Report report(double predicted) {
        return new BatchInferenceRun.Report("m", 8, 2.5, 3.2, 0.75, 0.875, 1.0, 1e-3, predicted, 14, 420, 128.5,
                1L << 33, 3, 0.25, 0.125, 1.5, 2, true, 1.5,
                Map.of("relinearize", new BatchInferenceRun.OpTime(12, 0.5, predicted)));
    }

    @Test
    void keysAreSnakeCaseInTheOrderEarlierVersionsWrote() {
        Map<String, Object> m = report(2.0).toJson();
        assertEquals(List.of("model", "packing", "images", "batch_latency_s", "images_per_second",
                "encrypted_accuracy", "plain_accuracy", "agreement", "max_relative_logit_error",
                "predicted_batch_latency_s", "log_n", "log_qp", "security_bits", "peak_memory_bytes",
                "input_ciphertexts", "encrypt_s", "decrypt_s", "keygen_s", "threads", "counts_match_plan",
                "warmup_s", "op_seconds"),
                List.copyOf(m.keySet()));
        assertEquals("batch", m.get("packing"));
        assertEquals(14, ((Number) m.get("log_n")).intValue());
        assertEquals(1L << 33, ((Number) m.get("peak_memory_bytes")).longValue());
        assertTrue(Json.pretty(m).contains("\"encrypt_s\": 0.25"), Json.pretty(m));
    }

    @Test
    void anUncalibratedPredictionIsNull() {
        Map<String, Object> m = report(Double.NaN).toJson();
        assertTrue(m.containsKey("predicted_batch_latency_s"));
        assertNull(m.get("predicted_batch_latency_s"));
    }

    @Test
    void theDocumentRoundTrips() {
        BatchInferenceRun.Report r = report(2.0);
        String text = Json.pretty(r.toJson());
        assertEquals(r, Json.read(text, "batch.json", BatchInferenceRun.Report.class));
        BatchInferenceRun.Report nan = report(Double.NaN);
        BatchInferenceRun.Report back = Json.read(Json.pretty(nan.toJson()), "batch.json",
                BatchInferenceRun.Report.class);
        assertTrue(Double.isNaN(back.predictedBatchLatencyS()));
        assertEquals(nan.logN(), back.logN());
    }
}
