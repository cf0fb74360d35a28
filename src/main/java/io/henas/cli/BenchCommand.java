package io.henas.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.henas.bench.CkksBench;
import io.henas.bench.SealOps;
import io.henas.bench.SideBySide;
import io.henas.bench.Timing;
import io.henas.ir.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code henas bench}: benchmarks of the CKKS evaluator, side by side with Microsoft SEAL when available. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the CKKS evaluator (side by side with Microsoft SEAL when available).",
        subcommands = {BenchCommand.Ckks.class, BenchCommand.Calibrate.class, BenchPlanCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code henas bench ckks}: per-op medians on SEAL-default-shaped chains, a ratio table, optional JSON. */
    @Command(name = "ckks", mixinStandardHelpOptions = true,
            description = "Time CKKS operations (JIT warm-up, medians) on SEAL's default chains and, when the "
                    + "seal-ops harness is available, Microsoft SEAL side by side in alternating rounds; print henas "
                    + "us, SEAL us and the ratio per op.")
    static final class Ckks implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--logn", split = ",", defaultValue = "13,14",
                description = "Ring degree exponents, among 13, 14, 15 (default: ${DEFAULT-VALUE}).")
        List<Integer> logn = new ArrayList<>();

        @Option(names = "--threads", defaultValue = "1", description = "Evaluator threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--samples", description = "Timed runs per op and round, henas and SEAL alike (default: "
                + "60/40/20 for logN 13/14/15).")
        Integer samples;

        @Option(names = "--clock", defaultValue = "WALL",
                description = "WALL (elapsed, default) or CPU (the calling thread's CPU time: steadier on a shared "
                        + "machine; needs --threads 1).")
        Timing.Clock clock;

        @Option(names = "--ops", split = ",", description = "Only these ops (default: all of ${COMPLETION-CANDIDATES}).",
                completionCandidates = OpNames.class)
        List<String> ops;

        @Option(names = "--json", description = "Write {\"threads\": T, \"results\": {logN: {op: us}}, \"seal\": "
                + "{\"version\", \"results\"} or null, \"ratio_henas_over_seal\": {logN: {op: r}}, ...} to this file.")
        Path json;

        @Option(names = "--seal", paramLabel = "PATH", description = "The seal-ops harness (SEAL timed the same way, "
                + "run as a child process in alternating rounds). Default: ../shared/tools/seal-ops if it exists; "
                + "without it only henas is timed and no ratios are printed.")
        Path seal;

        @Option(names = "--no-seal", description = "Time henas alone even if the seal-ops harness exists.")
        boolean noSeal;

        @Option(names = "--rounds", description = "Alternating henas/SEAL rounds per degree; each side reports the "
                + "median over rounds (default: 3 with SEAL, 1 without).")
        Integer rounds;

        @Override
        public Integer call() {
            CliFiles.outputFile("--json", json);
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("--threads must be in [1, 64], but was " + threads);
            }
            if (samples != null && samples < 1) {
                throw new IllegalArgumentException("--samples must be >= 1, but was " + samples);
            }
            if (rounds != null && rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, but was " + rounds);
            }
            for (int l : logn) {
                if (l < 13 || l > 15) {
                    throw new IllegalArgumentException("--logn values must be among 13, 14, 15, but got " + l);
                }
            }
            if (noSeal && seal != null) {
                throw new IllegalArgumentException("--seal and --no-seal exclude each other, but both were given");
            }
            SealOps harness = noSeal ? null : SealOps.locate(seal).orElse(null);
            var err = spec.commandLine().getErr();
            if (harness == null && !noSeal) {
                err.println("note: no SEAL binary found at " + SealOps.DEFAULT_PATH.toAbsolutePath().normalize()
                        + " (give --seal PATH): timing henas alone, no ratios to SEAL");
            }
            int r = rounds != null ? rounds : harness != null ? 3 : 1;
            SideBySide.Result result = SideBySide.run(logn, threads, samples, clock,
                    ops == null ? CkksBench.OPS : ops, r, harness, line -> {
                        err.println(line);
                        err.flush();
                    });
            var out = spec.commandLine().getOut();
            out.print(SideBySide.table(result));
            out.flush();
            if (json != null) {
                Json.writeFile(json, result.toJson());
            }
            return 0;
        }
    }

    /** Op names for the help text. */
    static final class OpNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return CkksBench.OPS.iterator();
        }
    }

    /** {@code henas bench calibrate}: measures per-op latencies across levels for the cost model and caches them. */
    @Command(name = "calibrate", mixinStandardHelpOptions = true,
            description = "Measure CKKS op latencies across levels on this machine and cache the fitted cost model "
                    + "(keyed by CPU model, cores, JDK and threads; ring degrees already cached are kept).")
    static final class Calibrate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--logn", split = ",", defaultValue = "13,14,15",
                description = "Ring degree exponents to calibrate (default: ${DEFAULT-VALUE}).")
        List<Integer> logn = new ArrayList<>();

        @Option(names = "--threads", defaultValue = "1", description = "Evaluator threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--force", description = "Measure again even if the cache has these ring degrees (with every"
                + " key-switching shape of them the cache holds, e.g. 15/k3/a5).")
        boolean force;

        @Option(names = "--cache", paramLabel = "FILE", description = "Cache file (default: ~/.cache/henas/"
                + "calibration.json).")
        Path cache;

        @Override
        public Integer call() {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("--threads must be in [1, 64], but was " + threads);
            }
            for (int l : logn) {
                if (l < 12 || l > 16) {
                    throw new IllegalArgumentException("--logn values must be in [12, 16], but got " + l);
                }
            }
            Path file = cache != null ? cache : io.henas.cost.CalibrationCache.defaultPath();
            var key = io.henas.cost.CalibrationKey.current(threads);
            var err = spec.commandLine().getErr();
            err.println("calibrating logN " + logn + " with " + threads + " thread(s) for " + key + " ...");
            err.flush();
            long t0 = System.nanoTime();
            io.henas.cost.Calibration cal;
            try (var measurer = new io.henas.bench.EvaluatorOpMeasurer(threads)) {
                cal = force
                        ? io.henas.cost.CalibrationCache.recalibrate(file, key, measurer, forcedShapes(file, key))
                        : io.henas.cost.CalibrationCache.ensure(file, key, measurer,
                                io.henas.cost.Calibrator.seal(logn));
            }
            var out = spec.commandLine().getOut();
            out.printf(java.util.Locale.ROOT, "calibration for %s: ring degrees %s, cached in %s (%.0f s)%n", key,
                    cal.fits().keySet(), file, (System.nanoTime() - t0) / 1e9);
            out.flush();
            return 0;
        }

        /**
         * What {@code --force} measures: SEAL's shape of each {@code --logn} degree and every other key-switching
         * shape of those degrees already cached for {@code key} (the hybrid shapes the selector picked for earlier
         * plans); otherwise a stale shape, e.g. one measured under load, would outlive a forced recalibration.
         */
        private java.util.Set<io.henas.cost.ChainShape> forcedShapes(Path file, io.henas.cost.CalibrationKey key) {
            var shapes = new java.util.LinkedHashSet<>(io.henas.cost.Calibrator.seal(logn));
            try {
                io.henas.cost.CalibrationCache.load(file, key).ifPresent(c -> c.fits().keySet().stream()
                        .filter(s -> logn.contains(s.logN())).forEach(shapes::add));
            } catch (java.io.IOException | RuntimeException e) {
                // an unreadable or outdated cache holds nothing to keep: the SEAL shapes are measured
            }
            return shapes;
        }
    }
}
