package io.henas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.henas.export.ExportedModel;
import io.henas.export.ModelExporter;
import io.henas.export.ModelSource;
import io.henas.search.RunManifest;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

    @Parameters(index = "0", paramLabel = "RUN_DIR|MODEL_DIR",
            description = "A henas train output directory, or a henas search run directory with a trained knee.")
    Path source;

    @Option(names = "--pick", defaultValue = "knee", description = "For a run directory: knee or a trial id (its model"
            + " must be trained into RUN_DIR/trained/ID) (default: ${DEFAULT-VALUE}).")
    String pick;

    @Option(names = "--out", required = true, paramLabel = "FILE.henas", description = "The file to write.")
    Path out;

    @Option(names = "--no-merge", description = "Compile without coefficient merging.")
    boolean noMerge;

    @Option(names = "--max-channels", defaultValue = "0",
            description = "Upper bound on channels per ciphertext, 0 = as many as fit (default: ${DEFAULT-VALUE}).")
    int maxChannels;

    @Option(names = "--commit", description = "The henas commit to record (default: git rev-parse HEAD).")
    String commit;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        ModelSource src = ModelSource.resolve(source, pick, commit != null ? commit : RunManifest.gitCommit());
        CompileOptions o = CompileOptions.defaults(!noMerge).withMaxChannelsPerCiphertext(maxChannels);
        HePlan plan = HePlan.compile(src.folded().net(), o);
        ExportedModel m = ModelExporter.write(out, src, plan);
        w.printf("exported %s to %s%n  plan: %s%n  parameters: logN=%d, log QP=%d, %.1f-bit security, %d Galois keys%n"
                        + "  entries: %s%n", m.name(), out, plan, m.heParameters().logN(), m.heParameters().logQp(),
                m.heParameters().securityBits(), plan.galoisSteps().length, m.entryNames());
        w.flush();
        return ExitCodes.OK;
    }
}
