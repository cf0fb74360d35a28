package io.henas.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.henas.bench.EvaluatorOpMeasurer;
import io.henas.cost.Calibration;
import io.henas.cost.CalibrationCache;
import io.henas.cost.CalibrationKey;
import io.henas.cost.ChainShape;
import io.henas.cost.CostModel;
import io.henas.cost.CostReport;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.Packing;
import io.henas.ir.Architecture;
import io.henas.ir.Json;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code henas cost FILE.yaml [--merge on|off] [--json OUT]}: compiles a fixed architecture (or a named reference of a
 * space) to its HE plan and prints depth, parameters, operation counts and the predicted latency.
 */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Compile an architecture to an HE plan and predict its depth, parameters, operation counts and "
                + "encrypted latency.")
final class CostCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.yaml|MODEL_DIR|RUN_DIR", description = "A space file of one fixed"
            + " architecture (costed under the selector's defaults, as the search filters candidates before training),"
            + " or a trained model: a henas train output directory (or its architecture.yaml), or a search run"
            + " directory with --pick; a trained model is costed with the parameters selected for its weights on the"
            + " calibration images, the plan 'henas export' ships and the search ranks it by.")
    Path file;

    @Option(names = "--pick", defaultValue = "knee", description = "For a run directory: knee or a trial id (its model"
            + " must be trained into RUN_DIR/trained/ID) (default: ${DEFAULT-VALUE}).")
    String pick;

    @Option(names = "--data", description = "A trained model's data for the calibration images (as for export).")
    Path data;

    @Option(names = "--calibration-images", defaultValue = "" + io.henas.export.CalibratedCompile.DEFAULT_IMAGES,
            description = "For a trained model: training images the parameter selection is calibrated on, as export"
                    + " (default: ${DEFAULT-VALUE}).")
    int calibrationImages;

    @Option(names = "--reference", paramLabel = "NAME",
            description = "Cost the reference architecture NAME of the space instead of its fixed architecture.")
    String reference;

    @Option(names = "--merge", paramLabel = "on|off",
            description = "Coefficient merging (default: the file's he.merge, else on).")
    OnOff merge;

    @Mixin
    HeCompileMixin compile;

    @Mixin
    ThreadsMixin threads;

    @Mixin
    CalibrationMixin calibration;

    @Option(names = "--packing", paramLabel = "single|batch",
            description = "single: one image per run, channels packed into slots (latency); batch: one value per"
                    + " ciphertext for N/2 images, one per slot, no rotations (throughput) (default: the file's"
                    + " he.packing, else single).")
    String packing;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the report as JSON to OUT ('-' for "
            + "standard output instead of the table).")
    String json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CliFiles.outputFile("--json", json == null ? null : Path.of(json));
        int threads = this.threads.get();
        CompileOptions opts = compile.options(true); // validated before any file is read
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path trained = trainedModel(err);
        HePlan plan;
        String name;
        if (trained != null) {
            if (reference != null) {
                throw new IllegalArgumentException("--reference names an architecture of a space file, but " + file
                        + " is a trained model");
            }
            // as 'henas export' of the same model: merge on unless --merge off, single packing unless --packing
            io.henas.export.ModelSource src = io.henas.export.ModelSource.resolve(trained, pick,
                    io.henas.search.BuildInfo.commit());
            Packing pk = packing(packing != null ? packing : "single", "--");
            opts = compile.options(OnOff.or(merge, true));
            List<double[]> inputs = CliData.exportCalibration(CliData.exportSpec(trained, pick, null), src, data,
                    calibrationImages, err);
            plan = io.henas.export.CalibratedCompile.compile(src.folded(), opts, inputs, pk);
            name = src.name();
        } else {
            SearchSpace space = SpaceLoader.load(file);
            Packing pk = packing(packing != null ? packing : space.he().packing(), packing != null ? "--"
                    : file + ": he.");
            Architecture arch = pick(space);
            opts = compile.options(OnOff.or(merge, space.he().merge()));
            plan = HePlan.compile(arch.lower(), opts, pk);
            name = arch.name();
        }
        Path cacheFile = calibration.cacheFile();
        CostModel model = CostModel.fromCache(cacheFile, threads);
        ChainShape shape = ChainShape.of(plan);
        if (calibration.auto() && model.calibration().map(c -> !c.covers(List.of(shape))).orElse(true)) {
            err.println("calibrating the CKKS evaluator at logN " + plan.logN() + (shape.isSeal() ? "" : " (k = "
                    + shape.specialPrimes() + " special primes, digits of " + shape.digitSize() + " primes)")
                    + (shape.batch() ? " for batch-packed operations" : "") + " with "
                    + threads + " thread(s) (once per machine; cached in " + cacheFile + ") ...");
            err.flush();
            try (EvaluatorOpMeasurer measurer = new EvaluatorOpMeasurer(threads)) {
                Calibration cal = CalibrationCache.ensure(cacheFile, CalibrationKey.current(threads), measurer,
                        List.of(shape));
                model = new CostModel(cal);
            }
        }
        CostReport report = model.estimate(name, plan);
        // the plan the search ranks: the same fingerprint as the model exported from this architecture with the
        // same options reports in 'henas infer --json' (one fold, one compiler)
        java.util.Map<String, Object> j = new java.util.LinkedHashMap<>(report.toJson());
        j.putIfAbsent("plan_fingerprint", plan.fingerprint());
        j.putIfAbsent("program_fingerprint", plan.programFingerprint());
        j.put("selection", plan.parameters().precision().source());
        if (trained != null) {
            j.put("trained_model", trained.toString());
        }
        if ("-".equals(json)) {
            out.print(Json.pretty(j));
        } else {
            out.print(report.table());
            if (json != null) {
                Json.writeFile(Path.of(json), j);
                err.println("wrote " + json);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static Packing packing(String name, String what) {
        try {
            return Packing.named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + e.getMessage());
        }
    }

    /**
     * The trained model FILE names, or null for a space file: a directory (train output or search run), or the
     * {@code architecture.yaml} of a train output directory (said on standard error, since the weights beside it
     * change the selection).
     */
    private Path trainedModel(PrintWriter err) {
        if (java.nio.file.Files.isDirectory(file)) {
            return file;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && file.getFileName().toString().equals("architecture.yaml")
                && io.henas.export.ModelSource.isTrainDir(dir)) {
            err.println("note: " + file + " sits in a trained model directory: costing its trained weights (the plan"
                    + " 'henas export' ships); copy the YAML elsewhere to cost it untrained");
            err.flush();
            return file.getParent() == null ? Path.of(".") : file.getParent();
        }
        return null;
    }

    private Architecture pick(SearchSpace space) {
        if (reference != null) {
            return space.references().stream().filter(a -> a.name().equals(reference)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(file + ": no reference named '" + reference
                            + "'; references are " + space.references().stream().map(Architecture::name).toList()));
        }
        if (!space.isFixed()) {
            throw new IllegalArgumentException(file + ": cost needs a fixed architecture, but the space has "
                    + space.genes().size() + " choices (use --reference NAME for one of "
                    + space.references().stream().map(Architecture::name).toList() + ")");
        }
        return space.fixed();
    }
}
