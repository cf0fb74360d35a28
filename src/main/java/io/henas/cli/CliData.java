package io.henas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.henas.data.DataKind;
import io.henas.data.DataSpec;
import io.henas.data.DataSplit;
import io.henas.data.Dataset;
import io.henas.data.Datasets;
import io.henas.data.Preprocessing;
import io.henas.export.ExportedModel;
import io.henas.ir.Shape;
import io.henas.ir.Json;

/**
 * {@code --data} for train, export and infer: what a space declares ({@code dataset:}, {@code input:},
 * {@code classes:}, {@code preprocessing:}) as a {@link DataSpec}, written next to a trained model
 * ({@value DataSpec#FILE}), carried into the exported model's manifest ({@value DataSpec#MANIFEST_KEY}) and read back
 * by infer, which loads the test images of that kind and preprocesses them before encryption. Models without it are
 * Fashion-MNIST models without preprocessing, as before.
 */
final class CliData {
    private CliData() {
    }

    /** The data a space declares. */
    static DataSpec spec(io.henas.space.Dataset d) {
        io.henas.space.Dataset.Preprocessing p = d.preprocessing();
        Preprocessing pre = new Preprocessing(p.scale(), p.mean().stream().mapToDouble(Double::doubleValue).toArray(),
                p.std().stream().mapToDouble(Double::doubleValue).toArray(), p.resize());
        Shape s = d.input();
        return new DataSpec(DataKind.of(d.key()), s.channels(), s.height(), s.width(), d.classes(), pre);
    }

    /** Writes {@code spec} into a training output directory. */
    static void writeSpec(Path dir, DataSpec spec) throws IOException {
        Json.writeFile(dir.resolve(DataSpec.FILE), spec.toJson());
    }

    /** The spec written next to a trained model in {@code dir}, if any. */
    static Optional<DataSpec> readSpec(Path dir) throws IOException {
        Path f = dir.resolve(DataSpec.FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        return Optional.of(DataSpec.fromJson(Json.readFile(f), f.toString()));
    }

    /**
     * The input of an exported model: its manifest's {@value DataSpec#MANIFEST_KEY}, else Fashion-MNIST without
     * preprocessing (models exported before it existed). Its shape must be the network's input shape.
     */
    static DataSpec spec(ExportedModel m) throws IOException {
        Object o = m.manifest().get(DataSpec.MANIFEST_KEY);
        DataSpec spec = o == null ? DataSpec.fashionMnist() : DataSpec.fromJson(o, m.file() + "!manifest.json");
        Shape s = m.folded().net().node(0).shape();
        if (o != null && (s.channels() != spec.channels() || s.height() != spec.height() || s.width() != spec.width())) {
            throw new io.henas.data.DataFormatException(m.file() + "!manifest.json: input.shape must be the network's"
                    + " input " + s + ", but was " + spec.channels() + "x" + spec.height() + "x" + spec.width());
        }
        return spec;
    }

    /** Both splits of {@code spec}'s data, not yet preprocessed. */
    static DataSplit load(DataSpec spec, Path dir) throws IOException {
        return Datasets.load(spec, Optional.ofNullable(dir));
    }

    /** The test images of an exported model's data, preprocessed as the model declares (what the client encrypts). */
    static Dataset testData(ExportedModel m, Path dir) throws IOException {
        DataSpec spec = spec(m);
        return spec.preprocessing().apply(load(spec, dir).test());
    }

    /**
     * The calibration images an export of {@code src} selects its parameters on: the first {@code n} training images
     * of the data its training recorded ({@code spec}), else of Fashion-MNIST for a 1 x 28 x 28 network, else none.
     * {@code henas export} and {@code henas cost} of a trained model share it, so both select the same plan.
     */
    static List<double[]> exportCalibration(Optional<DataSpec> spec, io.henas.export.ModelSource src, Path data,
                                            int n, PrintWriter err) throws IOException {
        return spec.isPresent() ? calibration(spec.get(), data, n, err)
                : io.henas.export.CalibratedCompile.inputs(src.folded().net(), Optional.ofNullable(data), n);
    }

    /** The source's data spec for export: the train directory's, the run's chosen model's, or the old model's. */
    static Optional<DataSpec> exportSpec(Path source, String pick, Map<String, Object> oldManifest) throws IOException {
        if (oldManifest != null) {
            Object o = oldManifest.get(DataSpec.MANIFEST_KEY);
            return o == null ? Optional.empty() : Optional.of(DataSpec.fromJson(o, source + "!manifest.json"));
        }
        for (Path d : List.of(source, source.resolve("knee".equals(pick) ? "knee" : "trained/" + pick))) {
            if (Files.isRegularFile(d.resolve("metrics.json"))) {
                return readSpec(d);
            }
        }
        return Optional.empty();
    }

    /**
     * Calibration images for export: the first {@code n} preprocessed training images of {@code spec}'s data; none
     * (the selector's defaults) when {@code n <= 0}, or when the data needs {@code --data} and none was given.
     */
    static List<double[]> calibration(DataSpec spec, Path dir, int n, PrintWriter err) throws IOException {
        if (n <= 0) {
            return List.of();
        }
        if (dir == null && spec.kind() != DataKind.FASHION_MNIST) {
            err.println("note: no --data for the " + spec.kind().key() + " calibration images: parameters are chosen"
                    + " under the documented defaults");
            err.flush();
            return List.of();
        }
        Dataset train = load(spec, dir).train();
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, train.size()); i++) {
            out.add(spec.preprocessing().apply(train.image(i), train.channels()));
        }
        return out;
    }
}
