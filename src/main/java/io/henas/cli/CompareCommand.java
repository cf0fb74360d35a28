package io.henas.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.henas.compare.CompareRun;
import io.henas.compare.Experiment;
import io.henas.compare.ExperimentLoader;
import io.henas.compare.Results;
import io.henas.search.BuildInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code henas compare EXPERIMENT.yaml [--out DIR] [--rows a,b] [--skip-measure] [--skip-train] [--threads T]}:
 * costs, measures and trains the rows of an experiment and writes {@code results.json}, {@code table.md} and charts.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare fixed architectures under HE: cost, measured encrypted latency (layer by layer when the"
                + " keys do not fit), Fashion-MNIST accuracy; writes results.json, table.md and latency.png.")
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml", description = "The experiment file.")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: the experiment file's"
            + " directory + /results).")
    Path out;

    @Option(names = "--rows", paramLabel = "a,b", split = ",", description = "Measure and train only these rows (the"
            + " others are costed and reuse cached measurements).")
    String[] rows;

    @Option(names = "--skip-measure", description = "Do not measure latency on ciphertexts (cached values are used).")
    boolean skipMeasure;

    @Option(names = "--skip-train", description = "Do not train or run the Fashion-MNIST models.")
    boolean skipTrain;

    @Mixin
    ThreadsMixin threads;

    @Mixin
    CalibrationMixin calibration;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX directory (default lookup as in"
            + " henas train).")
    Path data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int threads = this.threads.get();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Experiment e = ExperimentLoader.load(file);
        Path dir = out != null ? out : file.toAbsolutePath().getParent().resolve("results");
        Set<String> only = rows == null ? Set.of() : Arrays.stream(rows).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        CompareRun.Settings s = new CompareRun.Settings(dir, only, skipMeasure, skipTrain, threads,
                calibration.auto(), calibration.cacheFile(),
                Optional.ofNullable(data), BuildInfo.commit());
        Results r = CompareRun.run(e, s, line -> {
            stderr.println(line);
            stderr.flush();
        });
        stdout.print(r.table());
        stdout.println("wrote " + dir.resolve("results.json") + ", " + dir.resolve("table.md") + ", "
                + dir.resolve("latency.png"));
        stdout.flush();
        return ExitCodes.OK;
    }
}
