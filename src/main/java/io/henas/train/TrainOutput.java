package io.henas.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.deeplearning4j.util.ModelSerializer;

import io.henas.ir.Json;

/**
 * Writes a {@link TrainResult} to a directory:
 * <ul>
 *   <li>{@value #METRICS}: {@link TrainResult#metrics()} (status, failure reason, train/test accuracy, loss curve,
 *       seconds, images/s, configuration), always;</li>
 *   <li>{@value #MODEL}: the DL4J network ({@code ModelSerializer}, without updater state), when training succeeded;</li>
 *   <li>{@value #WEIGHTS}: the trained weights keyed as {@code ir.NetWeights} with the lowered net
 *       ({@link WeightsJson});</li>
 *   <li>{@value #FOLDED}: the export-ready folded network and weights ({@link WeightsJson}), with what remains for
 *       the HE plan to merge.</li>
 * </ul>
 */
public final class TrainOutput {
    public static final String METRICS = "metrics.json";
    public static final String MODEL = "model.zip";
    public static final String WEIGHTS = "weights.json";
    public static final String FOLDED = "folded-weights.json";

    private TrainOutput() {
    }

    /** Writes the files (creating {@code dir}); returns {@code dir}. */
    public static Path write(Path dir, TrainResult r) throws IOException {
        Files.createDirectories(dir);
        if (r.ok()) {
            ModelSerializer.writeModel(r.graph(), dir.resolve(MODEL).toFile(), false);
            WeightsJson.write(dir.resolve(WEIGHTS), r.net(), r.weights());
            WeightsJson.write(dir.resolve(FOLDED), r.folded());
        }
        Json.writeFile(dir.resolve(METRICS), r.metrics());
        return dir;
    }
}
