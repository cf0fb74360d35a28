package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import io.henas.data.Dataset;
import io.henas.ir.PlainForward;
import io.henas.ir.Json;

class TrainOutputTest {
    @TempDir
    Path tmp;

    @Test
    void writesModelWeightsFoldedAndMetricsThatReadBack() throws IOException {
        Dataset d = TestNets.small().head(100);
        TrainResult r = Trainer.train(TestNets.blocks(), TrainerTest.quick(2).withEpochs(1), d, d);
        assertTrue(r.ok(), r.failureReason());
        TrainOutput.write(tmp, r);

        Map<String, Object> m = Json.asObject(Json.readFile(tmp.resolve(TrainOutput.METRICS)), "metrics");
        assertEquals("OK", m.get("status"));
        assertEquals(r.evalAccuracy(), ((Number) m.get("test_accuracy")).doubleValue());
        assertEquals(r.lossCurve().size(), ((List<?>) m.get("loss_curve")).size());

        // the DL4J zip restores to the same logits (custom poly2/square layers and log-std batch-norm round-trip)
        ComputationGraph back = ModelSerializer.restoreComputationGraph(tmp.resolve(TrainOutput.MODEL).toFile());
        int[] idx = {1, 2, 3};
        double[][] z0 = Predict.logits(r.net(), r.graph(), Predict.batch(d, idx, DataType.FLOAT));
        double[][] z1 = Predict.logits(r.net(), back, Predict.batch(d, idx, DataType.FLOAT));
        for (int j = 0; j < idx.length; j++) {
            assertTrue(GraphBuilderTest.relErr(z1[j], z0[j]) < 1e-6);
        }

        FoldedNet folded = WeightsJson.read(tmp.resolve(TrainOutput.FOLDED));
        assertEquals(r.folded().net(), folded.net());
        assertEquals(r.folded().weights(), folded.weights());
        assertEquals(r.folded().remaining(), folded.remaining());
        double[][] zd = Predict.logitsInDouble(r.net(), r.graph(), d, idx);
        for (int j = 0; j < idx.length; j++) {
            double[] plain = PlainForward.logits(folded.net(), folded.weights(), d.image(idx[j]));
            double e = GraphBuilderTest.relErr(plain, zd[j]);
            assertTrue(e < 1e-9, "relative error vs DL4J in double " + e);
            // the float32 network differs only by its rounding
            assertTrue(GraphBuilderTest.relErr(plain, z0[j]) < 1e-4, "relative error vs DL4J in float");
        }
        FoldedNet raw = WeightsJson.read(tmp.resolve(TrainOutput.WEIGHTS));
        assertEquals(r.net(), raw.net());
        assertEquals(r.weights(), raw.weights());
    }

    @Test
    void failedRunWritesOnlyMetricsWithTheReason() throws IOException {
        Dataset d = TestNets.small().head(50);
        TrainResult r = Trainer.train(TrainerTest.tiny(), TrainerTest.quick(1).withMaxLoss(1e-6), d, d);
        TrainOutput.write(tmp, r);
        assertFalse(Files.exists(tmp.resolve(TrainOutput.MODEL)));
        Map<String, Object> m = Json.asObject(Json.readFile(tmp.resolve(TrainOutput.METRICS)), "metrics");
        assertEquals("FAILED", m.get("status"));
        assertTrue(((String) m.get("failure_reason")).startsWith("loss diverged"));
        assertEquals(null, m.get("test_accuracy"));
        assertTrue(m.containsKey("test_accuracy"));
    }

    @Test
    void malformedWeightsFileNamesTheFile() throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"format\": \"something-else\"}");
        IOException e = assertThrows(IOException.class, () -> WeightsJson.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("henas-weights-v1"), e.getMessage());
    }
}
