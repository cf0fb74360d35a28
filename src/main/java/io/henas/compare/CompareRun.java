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
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.henas.bench.EvaluatorOpMeasurer;
import io.henas.ckks.CkksParameters;
import io.henas.cost.Calibration;
import io.henas.cost.CalibrationCache;
import io.henas.cost.CalibrationKey;
import io.henas.cost.ChainShape;
import io.henas.cost.CostModel;
import io.henas.cost.CostReport;
import io.henas.he.CompileOptions;
import io.henas.he.HeCompileException;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.he.ParameterSelector;
import io.henas.he.PlanBinding;
import io.henas.infer.LayerwiseRun;
import io.henas.infer.RandomWeights;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Json;
import io.henas.rlwe.Security;

/**
 * Runs an {@link Experiment}: for every row the HE cost of its plan (and of HEMET's one-channel-per-ciphertext
 * layout), the ring it would need without the 128-bit bound, the encrypted latency measured on real ciphertexts with
 * seeded random weights on the CIFAR-shaped input ({@link LayerwiseRun}), and the Fashion-MNIST twin trained, exported
 * and run encrypted ({@link FashionRun}). Measurements are cached in {@code DIR/cache/} by content hash, so a rerun
 * (or one restricted with {@link Settings#rows}) reuses them.
 */
public final class CompareRun {
    private CompareRun() {
    }

    /**
     * How to run.
     *
     * @param out              output directory
     * @param rows             rows whose measurement and training run (empty = all; other rows are costed and reuse
     *                         cached measurements)
     * @param skipMeasure      no latency measurement on ciphertexts
     * @param skipTrain        no Fashion-MNIST training or encrypted inference
     * @param threads          evaluator threads (measurement and the calibration the prediction uses)
     * @param calibrate        calibrate the cost model at missing ring degrees (else: no prediction there)
     * @param calibrationCache calibration cache file
     * @param data             Fashion-MNIST directory (empty: the default lookup)
     * @param commit           the henas commit recorded with exported models
     */
    public record Settings(Path out, Set<String> rows, boolean skipMeasure, boolean skipTrain, int threads,
                           boolean calibrate, Path calibrationCache, Optional<Path> data, String commit) {
        public Settings {
            rows = Set.copyOf(rows);
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
            }
        }
    }

    /**
     * Runs the experiment and writes its outputs into {@code settings.out()}.
     *
     * @throws IllegalArgumentException if {@code settings.rows()} names a row the experiment lacks
     */
    public static Results run(Experiment e, Settings s, Consumer<String> log) throws IOException {
        for (String r : s.rows()) {
            if (e.rows().stream().noneMatch(x -> x.name().equals(r))) {
                throw new IllegalArgumentException("--rows must name rows of " + e.source() + " ("
                        + e.rows().stream().map(Experiment.Row::name).toList() + "), but named '" + r + "'");
            }
        }
        Files.createDirectories(s.out());
        // Compile everything first: the plans fix the ring degrees to calibrate.
        Map<String, HePlan> plans = new LinkedHashMap<>();
        Map<String, Optional<HePlan>> hemet = new LinkedHashMap<>();
        Set<ChainShape> logNs = new TreeSet<>();
        for (Experiment.Row row : e.rows()) {
            long t0 = System.nanoTime();
            LoweredNet net = row.architecture().fixed().lower();
            HePlan plan = HePlan.compile(net, CompileOptions.defaults(row.merge()));
            plans.put(row.name(), plan);
            logNs.add(ChainShape.of(plan));
            Optional<HePlan> h;
            try {
                h = Optional.of(HePlan.compile(net, CompileOptions.defaults(row.merge())
                        .withMaxChannelsPerCiphertext(1)));
                logNs.add(ChainShape.of(h.get()));
            } catch (HeCompileException ex) {
                log.accept(row.name() + ": HEMET layout does not compile: " + ex.getMessage());
                h = Optional.empty();
            }
            hemet.put(row.name(), h);
            log.accept(String.format(Locale.ROOT, "%s: compiled (depth %d, logN %d) in %.1f s", row.name(),
                    plan.depth(), plan.logN(), (System.nanoTime() - t0) / 1e9));
        }
        CostModel model = costModel(s, logNs, log);
        List<RowResult> results = new ArrayList<>();
        for (Experiment.Row row : e.rows()) {
            HePlan plan = plans.get(row.name());
            CostReport cost = model.estimate(row.name(), plan);
            Optional<RowResult.Ops> h = hemet.get(row.name()).map(p -> RowResult.Ops.of(model.estimate(row.name(), p)));
            OptionalInt insecure = insecureLogN(plan.net(), plan.options());
            boolean selected = s.rows().isEmpty() || s.rows().contains(row.name());
            List<String> errors = new ArrayList<>();
            Optional<RowResult.Measured> measured = cachedMeasurement(e, row, plan, s);
            if (measured.isEmpty() && !s.skipMeasure() && selected) {
                try {
                    measured = Optional.of(measure(e, row, plan, cost, s, log));
                } catch (RuntimeException ex) {
                    errors.add("measurement: " + ex);
                    log.accept(row.name() + ": measurement failed: " + ex);
                }
            }
            Optional<RowResult.Trained> trained = Optional.empty();
            if (row.fashion().isPresent() && !s.skipTrain() && selected) {
                try {
                    trained = Optional.of(FashionRun.run(row.fashion().get(), row.merge(),
                            e.train().apply(row.fashion().get().full()), e.images(), options(e, s), s.data(),
                            s.commit(), s.out(), log));
                } catch (RuntimeException | IOException ex) {
                    errors.add("fashion: " + ex);
                    log.accept(row.name() + ": Fashion-MNIST run failed: " + ex);
                }
            }
            RowResult r = new RowResult(row.name(), row.role(), row.merge(), RowResult.Ops.of(cost), h, insecure,
                    measured, trained, errors);
            results.add(r);
            new Results(e.name(), results, provenance(e, s, model)).write(s.out()); // partial results as rows finish
            log.accept(String.format(Locale.ROOT, "%s: depth %d, logN %d (without the bound: %s), predicted %s s,"
                            + " measured %s s", row.name(), cost.depth(), cost.logN(),
                    insecure.isPresent() ? String.valueOf(insecure.getAsInt()) : "-",
                    cost.predictedLatencyS().isPresent() ? String.format(Locale.ROOT, "%.2f",
                            cost.predictedLatencyS().getAsDouble()) : "-",
                    r.measuredLatencyS().isPresent() ? String.format(Locale.ROOT, "%.2f",
                            r.measuredLatencyS().getAsDouble()) : "-"));
        }
        Results res = new Results(e.name(), results, provenance(e, s, model));
        res.write(s.out());
        return res;
    }

    private static Map<String, Object> provenance(Experiment e, Settings s, CostModel model) {
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("experiment_file", e.source().toString());
        prov.put("experiment_sha256", e.sha256());
        prov.put("git_commit", s.commit());
        prov.put("threads", s.threads());
        prov.put("calibration", model.calibration().map(c -> (Object) c.key().toString()).orElse(null));
        prov.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        prov.put("jdk", System.getProperty("java.version"));
        prov.put("measure_seed", e.measure().seed());
        prov.put("measure_reps", e.measure().reps());
        prov.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        return prov;
    }

    private static CostModel costModel(Settings s, Set<ChainShape> logNs, Consumer<String> log) throws IOException {
        CostModel model = CostModel.fromCache(s.calibrationCache(), s.threads());
        boolean covered = model.calibration().map(c -> c.covers(logNs)).orElse(false);
        if (!covered && s.calibrate()) {
            log.accept("calibrating the CKKS evaluator at logN " + logNs + " with " + s.threads() + " thread(s) (cached"
                    + " in " + s.calibrationCache() + ") ...");
            try (EvaluatorOpMeasurer m = new EvaluatorOpMeasurer(s.threads())) {
                Calibration cal = CalibrationCache.ensure(s.calibrationCache(), CalibrationKey.current(s.threads()), m,
                        List.copyOf(logNs));
                model = new CostModel(cal);
            }
        } else if (!covered) {
            log.accept("no calibration for every logN in " + logNs + ": predicted latency is absent where missing");
        }
        return model;
    }

    static LayerwiseRun.Options options(Experiment e, Settings s) {
        return new LayerwiseRun.Options(e.measure().mode(), e.measure().reps(), s.threads(),
                e.measure().keyMemoryBytes(), false);
    }

    /**
     * The cached measurement of a row's plan: keyed by the plan's fingerprint (its program and modulus chain), so a
     * compiler or parameter-selection change measures again instead of reusing a measurement of another plan.
     */
    private static Path cacheFile(Experiment e, Experiment.Row row, HePlan plan, Settings s) {
        Experiment.Measure m = e.measure();
        String key = ExperimentLoader.sha256(row.architecture().sha256() + "|merge=" + row.merge() + "|mode="
                + m.mode() + "|reps=" + m.reps() + "|keys=" + m.keyMemoryBytes() + "|seed=" + m.seed() + "|threads="
                + s.threads() + "|plan=" + plan.fingerprint()).substring(0, 16);
        return s.out().resolve("cache").resolve("measure-" + row.architecture().name() + "-" + key + ".json");
    }

    static Optional<RowResult.Measured> cachedMeasurement(Experiment e, Experiment.Row row, HePlan plan, Settings s)
            throws IOException {
        Path f = cacheFile(e, row, plan, s);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Map<String, Object> m = Json.asObject(Json.readFile(f), f.toString());
        return Optional.of(new RowResult.Measured(String.valueOf(m.get("mode")), RowResult.num(m, "latency_s"),
                RowResult.num(m, "max_abs_error"), m));
    }

    /** Measures a row's plan with random weights on a seeded CIFAR-shaped input (cached). */
    static RowResult.Measured measure(Experiment e, Experiment.Row row, HePlan plan, CostReport cost, Settings s,
                                      Consumer<String> log) throws IOException {
        Optional<RowResult.Measured> cached = cachedMeasurement(e, row, plan, s);
        if (cached.isPresent()) {
            log.accept(row.name() + ": cached measurement " + cacheFile(e, row, plan, s));
            return cached.get();
        }
        double[] x = RandomWeights.input(plan.net().node(0).shape(), e.measure().seed());
        NetWeights w = RandomWeights.of(plan.net(), x, e.measure().seed() + 1);
        LayerwiseRun.Options o = options(e, s);
        log.accept(row.name() + ": measuring on ciphertexts (logN " + plan.logN() + ", "
                + plan.galoisSteps().length + " Galois keys, mode " + (o.mode() == null ? "auto" : o.mode().key()) + ")");
        LayerwiseRun.Report r = LayerwiseRun.run(new PlanBinding(plan, w), List.of(x), o, log);
        Map<String, Object> json = r.toJson();
        json.put("segments", withPredictions(r, cost));
        json.put("predicted_latency_s", cost.predictedLatencyS().isPresent() ? cost.predictedLatencyS().getAsDouble()
                : null);
        Path f = cacheFile(e, row, plan, s);
        Files.createDirectories(f.getParent());
        Json.writeFile(f, json);
        return new RowResult.Measured(r.mode().key(), r.latencySeconds(), r.maxAbsError(), json);
    }

    /** Segment JSON with the cost model's prediction of the same layer where a segment is one whole layer. */
    static List<Object> withPredictions(LayerwiseRun.Report r, CostReport cost) {
        Map<String, CostReport.LayerCost> byName = new LinkedHashMap<>();
        for (CostReport.LayerCost l : cost.layers()) {
            byName.put(l.name(), l);
        }
        List<Object> out = new ArrayList<>();
        for (LayerwiseRun.SegmentResult sr : r.segments()) {
            Map<String, Object> m = new LinkedHashMap<>(sr.toJson());
            CostReport.LayerCost l = byName.get(sr.segment().layer());
            m.put("predicted_s", l != null && l.latencyS().isPresent() ? l.latencyS().getAsDouble() : null);
            out.add(m);
        }
        return out;
    }

    /**
     * The smallest ring degree (logN in [12, 16]) at which the plan compiles and its primes exist when the 128-bit
     * bound is ignored; empty if none.
     */
    public static OptionalInt insecureLogN(LoweredNet net, CompileOptions options) {
        for (int logN = ParameterSelector.MIN_LOG_N; logN <= ParameterSelector.MAX_LOG_N; logN++) {
            try {
                HePlan p = HePlan.compileInsecure(net, options.withLogN(0), logN);
                HeParameters hp = p.parameters();
                CkksParameters.Literal.fromBits(logN, hp.scaleBits(), Security.INSECURE_NO_BOUND, hp.allPrimeBits());
                return OptionalInt.of(logN);
            } catch (IllegalArgumentException | IllegalStateException | ArithmeticException ex) {
                // this ring cannot hold the plan (block too large, or not enough NTT-friendly primes): try the next
            }
        }
        return OptionalInt.empty();
    }
}
