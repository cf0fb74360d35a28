package io.henas.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.cost.CalibrationKey;
import io.henas.cost.Calibrator;
import io.henas.cost.ChainShape;
import io.henas.cost.CostModel;
import io.henas.cost.OpMeasurer;
import io.henas.data.Dataset;
import io.henas.export.ExportTestModels;
import io.henas.export.ExportedModel;
import io.henas.ir.Shape;

class InferenceRunTest {
    @TempDir
    Path dir;

    static Dataset images(Shape s, int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(10);
        }
        return Dataset.ofValues("random", s.channels(), s.height(), s.width(), 10, v, labels);
    }

    /**
     * A cost source that calibrates gets the images run in shares between its passes: after pass p, exactly the
     * first (p + 1) * images / PASSES images have run; all images run, the model it returns predicts the report.
     */
    @Test
    void aCalibratingCostSourceInterleavesItsPassesWithTheImages() throws IOException {
        ExportedModel m = ExportTestModels.exportSecure(dir.resolve("m.henas"), 11);
        int images = 9;
        Dataset d = images(m.folded().net().node(0).shape(), images, 3);
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(lines, true, StandardCharsets.UTF_8);
        List<Integer> doneAfterPass = new ArrayList<>();
        OpMeasurer fake = (shape, level, op) -> 10.0 * (level + 1);
        ChainShape shape = ChainShape.of(m.plan());
        CostModel[] model = new CostModel[1];
        InferenceReport r = InferenceRun.run(m, d, images, true, 1, afterPass -> {
            model[0] = new CostModel(Calibrator.calibrate(fake, new CalibrationKey("Test CPU", 2, "25", 1),
                    Calibrator.defaultLevels(List.of(shape)), p -> {
                        afterPass.accept(p);
                        doneAfterPass.add(lines.toString(StandardCharsets.UTF_8).split("\n", -1).length - 1);
                    }), true);
            return model[0];
        }, progress);
        List<Integer> want = new ArrayList<>();
        for (int p = 0; p < Calibrator.PASSES; p++) {
            want.add((p + 1) * images / Calibrator.PASSES);
        }
        assertEquals(want, doneAfterPass);
        assertEquals(images, r.images());
        assertEquals(1.0, r.agreement());
        assertTrue(r.countsMatchCostModel());
        assertTrue(r.predictedLatencyS().isPresent(), "the source's model predicts");
        assertEquals(model[0].estimate(m.name(), m.plan()).predictedLatencyS().getAsDouble(),
                r.predictedLatencyS().getAsDouble(), 1e-12);
        // each share's median latency (shares of 1, 1, 1, 2, 1, 1, 2 images), next to each pass's prediction
        double[] lat = java.util.Arrays.stream(lines.toString(StandardCharsets.UTF_8).split("\n"))
                .mapToDouble(l -> Double.parseDouble(l.replaceAll(".*, ([0-9.]+) s$", "$1"))).toArray();
        assertEquals(images, lat.length);
        int[] ends = {1, 2, 3, 5, 6, 7, 9};
        assertEquals(Calibrator.PASSES, r.latencySByShare().size());
        for (int s = 0, from = 0; s < ends.length; from = ends[s], s++) {
            double[] share = java.util.Arrays.copyOfRange(lat, from, ends[s]);
            assertEquals(InferenceRun.median(share), r.latencySByShare().get(s), 6e-4, "share " + s);
        }
        assertEquals(model[0].secondsByPass(m.plan()), r.predictedLatencySByPass());
        assertEquals(Calibrator.PASSES, r.predictedLatencySByPass().size());
    }

    /** A source that does not calibrate (a cached model) runs every image after it; no prediction without a model. */
    @Test
    void aCostModelAtHandRunsAllImagesAfterwards() throws IOException {
        ExportedModel m = ExportTestModels.exportSecure(dir.resolve("m.henas"), 12);
        Dataset d = images(m.folded().net().node(0).shape(), 3, 4);
        InferenceReport r = InferenceRun.run(m, d, 3, true, 1, (CostModel) null, null);
        assertEquals(3, r.images());
        assertTrue(r.predictedLatencyS().isEmpty());
        assertEquals(1.0, r.agreement());
        assertEquals(List.of(r.latencyMedianS()), r.latencySByShare(), "one share: all images after the model");
        assertTrue(r.predictedLatencySByPass().isEmpty());
    }
}
