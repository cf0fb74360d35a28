package io.henas.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.henas.ir.NetWeights;
import io.henas.ir.Json;
import io.henas.train.FoldedNet;
import io.henas.train.TrainOutput;
import io.henas.train.WeightsJson;

/**
 * What goes into a {@code .henas} file besides the plan parameters.
 *
 * @param name         model name (the architecture's)
 * @param folded       the folded network and weights the HE plan executes
 * @param architecture the unfolded lowered network as JSON ({@link WeightsJson} node schema, no tensors), or null
 * @param provenance   where it comes from
 * @param metrics      training metrics (train's {@code metrics.json}), or null
 * @param dl4jModel    the DL4J model zip for plaintext use, or null
 */
public record ModelSource(String name, FoldedNet folded, Map<String, Object> architecture, Provenance provenance,
                          Map<String, Object> metrics, byte[] dl4jModel) {
    public ModelSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(folded, "folded");
        Objects.requireNonNull(provenance, "provenance");
        dl4jModel = dl4jModel == null ? null : dl4jModel.clone();
    }

    @Override
    public byte[] dl4jModel() {
        return dl4jModel == null ? null : dl4jModel.clone();
    }

    /**
     * Reads an output directory of {@code henas train} ({@link TrainOutput}): folded weights, weights (for the
     * unfolded architecture), metrics and the DL4J model.
     *
     * @param commit    the henas commit to record
     * @param spaceHash the search space hash to record ("none" if trained directly)
     * @throws IOException naming the missing or malformed file, or if the training did not succeed
     */
    @SuppressWarnings("unchecked")
    public static ModelSource fromTrainDir(Path dir, String commit, String spaceHash) throws IOException {
        for (String f : new String[]{TrainOutput.METRICS, TrainOutput.FOLDED, TrainOutput.MODEL}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new java.nio.file.NoSuchFileException(dir.resolve(f).toString(), null,
                        "a henas train output directory must hold " + f + " (did training succeed?)");
            }
        }
        Map<String, Object> metrics = Json.asObject(Json.readFile(dir.resolve(TrainOutput.METRICS)),
                dir.resolve(TrainOutput.METRICS).toString());
        if (!"OK".equals(metrics.get("status"))) {
            throw new IOException(dir.resolve(TrainOutput.METRICS) + ": status must be OK, but was "
                    + metrics.get("status") + " (" + Json.field(metrics, "failure_reason") + ")");
        }
        FoldedNet folded = WeightsJson.read(dir.resolve(TrainOutput.FOLDED));
        Map<String, Object> arch = null;
        if (Files.isRegularFile(dir.resolve(TrainOutput.WEIGHTS))) {
            FoldedNet raw = WeightsJson.read(dir.resolve(TrainOutput.WEIGHTS));
            arch = WeightsJson.toMap(raw.net(), new NetWeights(Map.of()), List.of());
            arch.remove("tensors");
            arch.remove("remaining");
            arch.put("format", "henas-lowered-net-v1");
        }
        long seed = 0;
        if (metrics.get("config") instanceof Map<?, ?> c && c.get("seed") instanceof Number s) {
            seed = s.longValue();
        }
        String dataset = Json.field(metrics, "train_data") + " / " + Json.field(metrics, "eval_data");
        Provenance p = new Provenance(commit, spaceHash, seed, dataset, acc(Json.field(metrics, "train_accuracy")),
                acc(Json.field(metrics, "test_accuracy")), dir.toAbsolutePath().normalize().toString());
        String name = metrics.get("architecture") instanceof String s ? s : dir.getFileName().toString();
        return new ModelSource(name, folded, arch, p, metrics, Files.readAllBytes(dir.resolve(TrainOutput.MODEL)));
    }

    /** Whether {@code dir} looks like a {@code henas train} output directory. */
    public static boolean isTrainDir(Path dir) {
        return Files.isRegularFile(dir.resolve(TrainOutput.METRICS)) && Files.isRegularFile(dir.resolve(TrainOutput.FOLDED));
    }

    /**
     * Resolves a {@code henas export} source: a train output directory (MODEL_DIR), or a search run directory
     * (RUN_DIR, holding {@code manifest.json} and {@code pareto.json}) whose chosen model was trained into
     * {@code RUN_DIR/knee/} ({@code pick = "knee"}) or {@code RUN_DIR/trained/TRIAL_ID/}. For a run, the commit and
     * space hash are taken from its manifest.
     *
     * @param pick   "knee" or a trial id (ignored for a MODEL_DIR)
     * @param commit the commit to record for a MODEL_DIR
     * @throws IOException naming what is missing
     */
    public static ModelSource resolve(Path dir, String pick, String commit) throws IOException {
        if (isTrainDir(dir)) {
            return fromTrainDir(dir, commit, "none");
        }
        boolean run = Files.isRegularFile(dir.resolve("pareto.json")) || Files.isRegularFile(dir.resolve("trials.db"));
        if (!run) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "must be a henas train output directory"
                    + " (metrics.json, folded-weights.json, model.zip) or a henas search run directory (pareto.json,"
                    + " trials.db), but is neither");
        }
        Path model = "knee".equals(pick) ? dir.resolve("knee") : dir.resolve("trained").resolve(pick);
        if (!isTrainDir(model)) {
            throw new java.nio.file.NoSuchFileException(model.toString(), null, "the run's " + ("knee".equals(pick)
                    ? "knee" : "trial " + pick) + " must have been trained into this directory (a henas train output"
                    + " with metrics.json, folded-weights.json and model.zip), but it was not: train it first");
        }
        String runCommit = commit;
        String space = "unknown";
        Path manifest = dir.resolve("manifest.json");
        if (Files.isRegularFile(manifest)) {
            Map<String, Object> m = Json.asObject(Json.readFile(manifest), manifest.toString());
            runCommit = m.get("git_commit") instanceof String c ? c : commit;
            space = m.get("space_sha256") instanceof String h ? h : space;
        }
        return fromTrainDir(model, runCommit, space);
    }

    private static double acc(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
