package io.henas.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.henas.cost.CalibrationCache;
import io.henas.cost.CostModel;
import io.henas.cost.CostReport;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.PlanBinding;
import io.henas.infer.LayerwiseRun;
import io.henas.infer.RandomWeights;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Json;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code henas bench plan FILE.yaml [--merge on|off] [--layerwise] [--json F]}: measures a fixed architecture's HE plan
 * on real ciphertexts with seeded random weights ({@link LayerwiseRun}), per layer, beside the cost model's prediction.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Measure the encrypted latency of a fixed architecture's HE plan on real ciphertexts (random"
                + " weights), end to end or layer by layer with per-layer keys.")
final class BenchPlanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.yaml", description = "A space file of one fixed architecture.")
    Path file;

    @Option(names = "--merge", paramLabel = "on|off", description = "Coefficient merging (default: the file's).")
    OnOff merge;

    @Option(names = "--layerwise", description = "Measure layer by layer (default: end to end if all keys fit"
            + " --key-memory-gb, else layer by layer).")
    boolean layerwise;

    @Option(names = "--end-to-end", description = "Force one run of the whole plan with every key.")
    boolean endToEnd;

    @Option(names = "--reps", defaultValue = "1", description = "Timed runs per layer, median (default: ${DEFAULT-VALUE}).")
    int reps;

    @Mixin
    ThreadsMixin threadsOption;

    @Option(names = "--key-memory-gb", defaultValue = "8", description = "Key memory per segment (default:"
            + " ${DEFAULT-VALUE}).")
    double keyMemoryGb;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights and input (default:"
            + " ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--insecure-logn", paramLabel = "N", description = "INSECURE, for tests: compile at ring degree"
            + " 2^N ignoring the 128-bit bound.")
    Integer insecureLogN;

    @Option(names = "--json", paramLabel = "F", description = "Write the measurement as JSON to F.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int threads = threadsOption.get();
        CliFiles.outputFile("--json", json);
        if (layerwise && endToEnd) {
            throw new IllegalArgumentException("--layerwise and --end-to-end exclude each other, but both were given");
        }
        if (!(keyMemoryGb > 0)) {
            throw new IllegalArgumentException("--key-memory-gb must be > 0, but was " + keyMemoryGb);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SearchSpace space = SpaceLoader.load(file);
        if (!space.isFixed()) {
            throw new IllegalArgumentException(file + ": bench plan needs a fixed architecture, but the space has "
                    + space.genes().size() + " choices");
        }
        LoweredNet net = space.fixed().lower();
        CompileOptions o = CompileOptions.defaults(OnOff.or(merge, space.he().merge()));
        HePlan plan = insecureLogN == null ? HePlan.compile(net, o) : HePlan.compileInsecure(net, o, insecureLogN);
        double[] x = RandomWeights.input(net.node(0).shape(), seed);
        NetWeights w = RandomWeights.of(plan.net(), x, seed + 1);
        LayerwiseRun.Mode mode = layerwise ? LayerwiseRun.Mode.LAYERWISE : endToEnd ? LayerwiseRun.Mode.END_TO_END
                : null;
        LayerwiseRun.Options opts = new LayerwiseRun.Options(mode, reps, threads, (long) (keyMemoryGb * (1L << 30)),
                insecureLogN != null);
        err.println("measuring " + space.name() + ": " + plan + (insecureLogN != null ? " (INSECURE ring)" : ""));
        err.flush();
        LayerwiseRun.Report r = LayerwiseRun.run(new PlanBinding(plan, w), List.of(x), opts, line -> {
            err.println(line);
            err.flush();
        });
        CostReport cost = CostModel.fromCache(CalibrationCache.defaultPath(), threads).estimate(space.name(), plan);
        out.printf(Locale.ROOT, "%s: %s, logN %d, depth %d, %d segments: measured %.3f s, predicted %s, max error"
                        + " %.2e, operation counts equal the cost model's%n", space.name(), r.mode().key(), plan.logN(),
                plan.depth(), r.segments().size(), r.latencySeconds(), cost.predictedLatencyS().isPresent()
                        ? String.format(Locale.ROOT, "%.3f s", cost.predictedLatencyS().getAsDouble()) : "n/a (not"
                        + " calibrated at this logN)", r.maxAbsError());
        out.flush();
        if (json != null) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(r.toJson());
            m.put("name", space.name());
            m.put("predicted_latency_s", cost.predictedLatencyS().isPresent() ? cost.predictedLatencyS().getAsDouble()
                    : null);
            Json.writeFile(json, m);
        }
        return ExitCodes.OK;
    }
}
