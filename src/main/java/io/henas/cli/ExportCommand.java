package io.henas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.henas.data.DataSpec;
import io.henas.export.CalibratedCompile;
import io.henas.export.ExportedModel;
import io.henas.export.ModelExporter;
import io.henas.export.ModelSource;
import io.henas.search.BuildInfo;
import io.henas.he.CompileOptions;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code henas export}: Export a chosen model to a self-describing .henas file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a chosen model to a self-describing .henas file (architecture, folded weights, HE"
                + " parameters, provenance, DL4J model; no keys).")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR|MODEL_DIR|OLD.henas",
            description = "A henas train output directory, a henas search run directory with a trained knee, or an"
                    + " exported model to re-export (recompiled with the current compiler and parameter selector,"
                    + " keeping its weights and provenance).")
    Path source;

    @Option(names = "--pick", defaultValue = "knee", description = "For a run directory: knee or a trial id (its model"
            + " must be trained into RUN_DIR/trained/ID) (default: ${DEFAULT-VALUE}).")
    String pick;

    @Option(names = "--out", required = true, paramLabel = "FILE.henas", description = "The file to write.")
    Path out;

    @Option(names = "--no-merge", description = "Compile without coefficient merging.")
    boolean noMerge;

    @Option(names = "--commit", description = "The henas commit to record (default: the commit this henas was built from).")
    String commit;

    @Option(names = "--data", description = "The model's data for the calibration images (its dataset, from the"
            + " training's input.json; Fashion-MNIST default: Debian package directory if installed, else the shipped"
            + " subset; other datasets without --data use the documented defaults).")
    Path data;

    @Option(names = "--calibration-images", defaultValue = "" + CalibratedCompile.DEFAULT_IMAGES,
            description = "Training images the parameter selection is calibrated on (value ranges, noise, logit"
                    + " gaps); 0 = the documented defaults (default: ${DEFAULT-VALUE}).")
    int calibrationImages;

    @Option(names = "--packing", defaultValue = "single", paramLabel = "single|batch",
            description = "single: one image per run (latency); batch: one image per slot, N/2 images per run, no"
                    + " rotations (throughput; run with 'infer --encrypted --batch') (default: ${DEFAULT-VALUE}).")
    String packing;

    @Mixin
    HeCompileMixin compile;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        CompileOptions o = compile.options(!noMerge);
        ModelSource src;
        Map<String, Object> extra = new LinkedHashMap<>();
        Map<String, Object> oldManifest = null;
        if (Files.isRegularFile(source) && source.toString().endsWith(".henas")) {
            Map.Entry<ModelSource, Map<String, Object>> old = ExportedModel.readSource(source);
            oldManifest = old.getValue();
            src = old.getKey();
            Map<String, Object> from = new LinkedHashMap<>();
            from.put("file", source.toString());
            from.put("created", old.getValue().get("created"));
            from.put("he", old.getValue().get("he"));
            from.put("reexported_by", commit != null ? commit : BuildInfo.commit());
            extra.put("reexported_from", from);
            if (old.getValue().get("he") instanceof Map<?, ?> he && he.get("compile_options") instanceof Map<?, ?> co
                    && co.get("merge") instanceof Boolean mg && !noMerge && !mg) {
                o = compile.options(false);
            }
        } else {
            src = ModelSource.resolve(source, pick, commit != null ? commit : BuildInfo.commit());
        }
        Optional<DataSpec> input = CliData.exportSpec(source, pick, oldManifest);
        if (input.isPresent()) {
            extra.put(DataSpec.MANIFEST_KEY, input.get().toJson());
        }
        List<double[]> inputs = CliData.exportCalibration(input, src, data, calibrationImages,
                spec.commandLine().getErr());
        io.henas.he.Packing pk;
        try {
            pk = io.henas.he.Packing.named(packing);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
        HePlan plan = CalibratedCompile.compile(src.folded(), o, inputs, pk);
        ExportedModel m = ModelExporter.write(out, src, plan, extra);
        HeParameters p = m.heParameters();
        w.printf(java.util.Locale.ROOT, "%s %s to %s%n  plan: %s%n  parameters: logN=%d, primes %s + special %s, digit"
                        + " size %d, scale 2^%d, log QP=%d, %.1f-bit security, %d Galois keys%n"
                        + "  precision: %.1f bits predicted, %.1f required (%s, %d images)%n  entries: %s%n",
                oldManifest == null ? "exported" : "re-exported", m.name(), out, plan, p.logN(), p.primeBits(),
                p.specialPrimeBits(), p.digitSize(), p.scaleBits(), p.logQp(), p.securityBits(),
                plan.galoisSteps().length, p.precision().predictedBits(), p.precision().requiredBits(),
                p.precision().source(), p.precision().images(), m.entryNames());
        w.flush();
        return ExitCodes.OK;
    }
}
