package io.henas.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.henas.data.DataSplit;
import io.henas.data.Dataset;
import io.henas.data.Datasets;
import io.henas.export.ExportedModel;
import io.henas.export.ModelExporter;
import io.henas.export.ModelSource;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.infer.InferenceClient;
import io.henas.infer.LayerwiseRun;
import io.henas.ir.Architecture;
import io.henas.ir.Json;
import io.henas.space.SearchSpace;
import io.henas.space.TrainBudget;
import io.henas.train.TrainConfig;
import io.henas.train.TrainOutput;
import io.henas.train.TrainResult;
import io.henas.train.Trainer;

/**
 * The Fashion-MNIST part of a row: trains the fixed architecture on its (overridden) {@code train.full} budget,
 * exports it for the row's merge setting and runs the first test images under encryption ({@link LayerwiseRun},
 * layer by layer when the keys do not fit). Everything is cached under {@code DIR/fashion/KEY/} where KEY hashes the
 * space file's content and the budget: rows sharing a file train once; the export and the encrypted run are cached per
 * merge setting and image count.
 */
final class FashionRun {
    private FashionRun() {
    }

    /**
     * Cache key of a training: the space's content hash and the budget. A budget without augmentation or weight decay
     * keys as before those fields existed (the record's first seven components), so earlier trainings are reused.
     */
    static String key(SearchSpace space, TrainBudget b) {
        String budget = "TrainBudget[epochs=" + b.epochs() + ", trainImages=" + b.trainImages() + ", validationImages="
                + b.validationImages() + ", testImages=" + b.testImages() + ", batchSize=" + b.batchSize()
                + ", learningRate=" + b.learningRate() + ", seed=" + b.seed() + "]";
        if (b.regularises()) {
            budget += "+augment(shift=" + b.augment().shift() + ", flip=" + b.augment().flip() + ")+weightDecay="
                    + b.weightDecay();
        }
        return ExperimentLoader.sha256(space.sha256() + "|" + budget).substring(0, 16);
    }

    static RowResult.Trained run(SearchSpace space, boolean merge, TrainBudget budget, int images,
                                 LayerwiseRun.Options options, Optional<Path> data, String commit, Path dir,
                                 Consumer<String> log) throws IOException {
        Path home = dir.resolve("fashion").resolve(space.name() + "-" + key(space, budget));
        Path trainDir = home.resolve("train");
        String tag = "merge-" + (merge ? "on" : "off");
        DataSplit split = Datasets.fashionMnist(data);
        if (!ModelSource.isTrainDir(trainDir) || !Files.isRegularFile(trainDir.resolve(TrainOutput.MODEL))) {
            Architecture arch = space.fixed();
            DataSplit.Selection sel = split.select(budget.trainImages(), budget.validationImages(),
                    budget.testImages());
            TrainConfig cfg = TrainConfig.ofBudget(TrainConfig.Mode.FULL, budget.epochs(), budget.batchSize(),
                    budget.learningRate(), budget.seed(), budget.augment().shift(), budget.augment().flip(),
                    budget.weightDecay());
            log.accept("  fashion: training " + arch.name() + " on " + sel.train().size() + " images for "
                    + budget.epochs() + " epochs (" + split.source() + ")");
            try (TrainResult r = Trainer.train(arch, cfg, sel.train(), sel.eval(),
                    line -> log.accept("    " + line))) {
                TrainOutput.write(trainDir, r);
                if (!r.ok()) {
                    throw new IllegalStateException(space.name() + ": training must succeed, but failed: "
                            + r.failureReason());
                }
            }
        } else {
            log.accept("  fashion: reusing the training in " + trainDir);
        }
        ModelSource src = ModelSource.fromTrainDir(trainDir, commit, space.sha256());
        Path modelFile = home.resolve("model-" + tag + ".henas");
        // the plan of today's compiler: an export or result of an earlier plan is redone, never reused
        HePlan plan = io.henas.export.CalibratedCompile.compile(src.folded(), CompileOptions.defaults(merge),
                calibrationInputs(split.train()));
        String fp = plan.fingerprint().substring(0, 12);
        Path result = home.resolve("encrypted-" + tag + "-" + images + "-" + fp + ".json");
        if (Files.isRegularFile(result)) {
            log.accept("  fashion: cached " + result);
            return RowResult.Trained.fromJson(Json.asObject(Json.readFile(result), result.toString()),
                    result.toString());
        }
        ExportedModel model = Files.isRegularFile(modelFile) ? ExportedModel.read(modelFile) : null;
        if (model == null || !model.plan().fingerprint().equals(plan.fingerprint())) {
            model = ModelExporter.write(modelFile, src, plan);
        }
        double accuracy = src.provenance().testAccuracy();
        Dataset test = split.test();
        int k = Math.min(images, test.size());
        List<double[]> inputs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            inputs.add(test.image(i));
        }
        log.accept("  fashion: " + k + " test images under encryption (logN " + model.plan().logN() + ")");
        LayerwiseRun.Report rep = LayerwiseRun.run(model.binding(), inputs, options, log);
        int correct = 0;
        int agree = 0;
        for (int i = 0; i < k; i++) {
            int enc = InferenceClient.argmax(rep.logits().get(i));
            correct += enc == test.label(i) ? 1 : 0;
            agree += enc == InferenceClient.argmax(rep.plainLogits().get(i)) ? 1 : 0;
        }
        RowResult.Trained t = new RowResult.Trained(accuracy, correct / (double) k, agree / (double) k, k,
                rep.latencySeconds(), rep.mode().key(), dir.relativize(modelFile).toString());
        Map<String, Object> json = new LinkedHashMap<>(t.toJson());
        json.put("measurement", rep.toJson());
        Json.writeFile(result, json);
        log.accept(String.format(Locale.ROOT, "  fashion: accuracy %.4f, encrypted %.3f on %d images, %.2f s per"
                + " image (%s)", accuracy, t.encryptedAccuracy(), k, t.encryptedLatencyS(), t.mode()));
        return t;
    }

    /** The first training images, for the calibrated parameter selection of the exported model. */
    private static List<double[]> calibrationInputs(io.henas.data.Dataset train) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(io.henas.export.CalibratedCompile.DEFAULT_IMAGES, train.size()); i++) {
            out.add(train.image(i));
        }
        return out;
    }
}
