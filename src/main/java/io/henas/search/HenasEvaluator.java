package io.henas.search;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.henas.cost.Calibration;
import io.henas.cost.CalibrationCache;
import io.henas.cost.CalibrationKey;
import io.henas.cost.ChainShape;
import io.henas.cost.CostModel;
import io.henas.cost.CostReport;
import io.henas.cost.MemoryModel;
import io.henas.cost.OpMeasurer;
import io.henas.data.DataSplit;
import io.henas.export.CalibratedCompile;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.Packing;
import io.henas.ir.Architecture;
import io.henas.space.Objective;
import io.henas.space.SearchSpace;
import io.henas.space.TrainBudget;
import io.henas.train.TrainConfig;
import io.henas.train.TrainResult;
import io.henas.train.Trainer;

/**
 * The production candidate evaluator: the HE cost of the compiled plan (the ring degree calibrated once, when first
 * needed, on this machine's evaluator) and then, within the constraints, proxy training on the space's
 * {@code train.proxy} budget. Training seeds come from {@link StagedEvaluator#seedFor}, so a candidate trains the same
 * way whenever and wherever it is evaluated.
 */
public final class HenasEvaluator {
    /** Evaluator threads the latency objective is calibrated for (the encrypted-inference default). */
    public static final int COST_THREADS = 1;

    private HenasEvaluator() {
    }

    /**
     * @param space        the search space (proxy budget, merge setting, constraints)
     * @param data         the dataset split to train and evaluate on
     * @param runSeed      the search seed (training seeds derive from it and the candidate key)
     * @param calibration  the calibration cache file
     * @param measurer     measures ring degrees missing from the cache (created on first need)
     * @param log          progress lines (calibration notices, training epochs)
     */
    public static StagedEvaluator<Architecture> create(SearchSpace space, DataSplit data, long runSeed, Path calibration,
                                                       Supplier<OpMeasurer> measurer, Consumer<String> log) {
        Objects.requireNonNull(space, "space");
        DataSplit.Selection proxy = proxySelection(space, data);
        CostStage cost = (CostStage) costStage(space, calibration, measurer, log);
        // batch plans hold thousands of registers: simulating one on the calibration images takes minutes, so a
        // throughput search keeps the defaults' cost (its export still selects on the images)
        Recost recost = packing(space).batch() ? null
                : new Recost(cost, calibrationImages(data), space.he().merge(), packing(space));
        return new StagedEvaluator<>(cost, trainStage(space, proxy, runSeed, recost),
                space.rungs().isEmpty() ? null : rungTrainStage(space, space.rungs(), data, runSeed, recost),
                constraints(space), THREADS_PER_TRAINING, provenance(space, data, proxy));
    }

    /**
     * The images a trained candidate's parameters are selected on: the first {@link CalibratedCompile#DEFAULT_IMAGES}
     * training images of {@code data} (as preprocessed for training), the images the knee's export is calibrated on.
     */
    public static List<double[]> calibrationImages(DataSplit data) {
        List<double[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(CalibratedCompile.DEFAULT_IMAGES, data.train().size()); i++) {
            out.add(data.train().image(i));
        }
        return out;
    }

    /**
     * Re-costs trained weights: the plan {@link CalibratedCompile} selects for them on the calibration images (what
     * {@code henas export} of those weights ships), priced by the cost stage. The search ranks every trained
     * candidate by it, so the ranked plan is the plan its weights export to; the defaults' cost only filters before
     * training (constraints).
     */
    record Recost(CostStage cost, List<double[]> images, boolean merge, Packing packing) {
        StagedEvaluator.Cost of(Candidate<Architecture> c, io.henas.train.FoldedNet folded) {
            return cost.cost(c.label(), plan(folded));
        }

        /** The plan the trained weights select (and are ranked by). */
        HePlan plan(io.henas.train.FoldedNet folded) {
            return CalibratedCompile.compile(folded, CompileOptions.defaults(merge), images, packing);
        }
    }

    /** Threads one proxy training keeps busy (ND4J uses both cores of our machines). */
    public static final int THREADS_PER_TRAINING = 2;

    /**
     * The HE cost stage: compiles the plan with the space's merge setting and packing ({@code he.packing}; batch
     * whenever the space optimises throughput) and predicts the latency of one run with this machine's calibration,
     * measuring a ring degree the first time it is needed; a batch plan's cost also carries its N/2 images per run.
     * Candidates above the space's max_logn are reported with infinite latency and not calibrated for.
     */
    public static StagedEvaluator.CostStage<Architecture> costStage(SearchSpace space, Path calibration,
                                                                    Supplier<OpMeasurer> measurer,
                                                                    Consumer<String> log) {
        return new CostStage(space.he().merge(), packing(space), constraints(space).maxLogN(), calibration, measurer,
                log);
    }

    /** The packing the space's candidates are compiled with ({@code he.packing}, which throughput makes batch). */
    public static Packing packing(SearchSpace space) {
        return Packing.named(space.he().packing());
    }

    /** The speed objective of the space's search: throughput if its objectives list it, else latency. */
    public static SpeedObjective speed(SearchSpace space) {
        return space.search().objectives().contains(Objective.THROUGHPUT) ? SpeedObjective.THROUGHPUT
                : SpeedObjective.LATENCY;
    }

    /** The images of the space's {@code train.proxy} budget (selected once: it copies the pixels). */
    public static DataSplit.Selection proxySelection(SearchSpace space, DataSplit data) {
        TrainBudget b = space.proxy();
        return data.select(b.trainImages(), b.validationImages(), b.testImages());
    }

    /** The proxy-training stage on the space's {@code train.proxy} budget and its {@link #proxySelection}. */
    public static StagedEvaluator.TrainStage<Architecture> trainStage(SearchSpace space, DataSplit.Selection sel,
                                                                      long runSeed) {
        return trainStage(space, sel, runSeed, null);
    }

    private static StagedEvaluator.TrainStage<Architecture> trainStage(SearchSpace space, DataSplit.Selection sel,
                                                                       long runSeed, Recost recost) {
        TrainBudget b = space.proxy();
        return c -> train(c, b, sel, runSeed, recost);
    }

    /**
     * Training on rung {@code r >= 1} of the space's {@code train.rungs}: that rung's budget and images (selected when
     * the rung is first needed, then kept), the same per-candidate seed as rung 0.
     */
    public static StagedEvaluator.RungTrainStage<Architecture> rungTrainStage(SearchSpace space, DataSplit data,
                                                                             long runSeed) {
        return rungTrainStage(space, space.rungs(), data, runSeed, null);
    }

    /** As {@link #rungTrainStage(SearchSpace, DataSplit, long)} over any list of budgets (rung 0 = the proxy). */
    public static StagedEvaluator.RungTrainStage<Architecture> rungTrainStage(SearchSpace space,
            List<TrainBudget> rungs, DataSplit data, long runSeed) {
        return rungTrainStage(space, rungs, data, runSeed, null);
    }

    /** As above, re-costing the trained weights when {@code recost} is given. */
    private static StagedEvaluator.RungTrainStage<Architecture> rungTrainStage(SearchSpace space,
            List<TrainBudget> rungs, DataSplit data, long runSeed, Recost recost) {
        DataSplit.Selection[] selections = new DataSplit.Selection[rungs.size()];
        return (c, rung) -> {
            if (rung < 1 || rung >= rungs.size()) {
                throw new IllegalArgumentException("rung must be in [1, " + (rungs.size() - 1) + "] for space '"
                        + space.name() + "', but was " + rung);
            }
            DataSplit.Selection sel;
            synchronized (selections) {
                TrainBudget b = rungs.get(rung);
                if (selections[rung] == null) {
                    selections[rung] = data.select(b.trainImages(), b.validationImages(), b.testImages());
                }
                sel = selections[rung];
            }
            return train(c, rungs.get(rung), sel, runSeed, recost);
        };
    }

    private static StagedEvaluator.Training train(Candidate<Architecture> c, TrainBudget b, DataSplit.Selection sel,
                                                  long runSeed, Recost recost) {
        TrainConfig cfg = TrainConfig.ofBudget(TrainConfig.Mode.PROXY, b.epochs(), b.batchSize(), b.learningRate(),
                StagedEvaluator.seedFor(runSeed, c.key()), b.augment().shift(), b.augment().flip(), b.weightDecay());
        try (TrainResult r = Trainer.train(c.value(), cfg, sel.train(), sel.eval())) {
            if (!r.ok()) {
                return StagedEvaluator.Training.failed(r.failureReason(), r.seconds());
            }
            if (recost == null || r.folded() == null || recost.images().isEmpty()) {
                return StagedEvaluator.Training.ok(r.evalAccuracy(), r.seconds());
            }
            StagedEvaluator.Cost k;
            try {
                k = recost.of(c, r.folded());
            } catch (io.henas.he.HeCompileException e) {
                // weights no secure ring holds at the required precision cannot be exported: not a usable model
                return StagedEvaluator.Training.failed("the trained weights have no secure plan: " + e.getMessage(),
                        r.seconds());
            }
            // a trained plan beyond the ring limit keeps the defaults' (feasible) cost rather than an infinite one
            return Double.isFinite(k.latencySeconds()) ? StagedEvaluator.Training.ok(r.evalAccuracy(), r.seconds(), k)
                    : StagedEvaluator.Training.ok(r.evalAccuracy(), r.seconds());
        }
    }

    /**
     * The space's rungs as the search's schedule ({@link RungPlan#single()} without {@code train.rungs}), with the
     * training images each rung really gets from {@code data} (the shipped subset clamps them).
     */
    public static RungPlan rungPlan(SearchSpace space, DataSplit data) {
        if (space.rungs().isEmpty()) {
            return RungPlan.single();
        }
        return new RungPlan(fidelityPlan(space, data).rungs(), space.promote());
    }

    /**
     * The budgets a fidelity sample trains on: the space's {@code train.rungs}, or without rungs its proxy then its
     * full budget.
     */
    public static List<TrainBudget> fidelityBudgets(SearchSpace space) {
        return space.rungs().isEmpty() ? List.of(space.proxy(), space.full()) : space.rungs();
    }

    /** {@link #fidelityBudgets} as a schedule, with the images each really gets from {@code data}. */
    public static RungPlan fidelityPlan(SearchSpace space, DataSplit data) {
        return new RungPlan(fidelityBudgets(space).stream().map(b -> new RungPlan.Rung(Math.max(1, Math.min(
                b.trainImages(), data.train().size() - Math.min(b.validationImages(), data.train().size() - 1))),
                b.epochs())).toList(), 1.0);
    }

    /** The production evaluator training on {@link #fidelityBudgets} (rung 0 = the proxy, as in a search). */
    public static StagedEvaluator<Architecture> createForFidelity(SearchSpace space, DataSplit data, long runSeed,
            Path calibration, Supplier<OpMeasurer> measurer, Consumer<String> log) {
        DataSplit.Selection proxy = proxySelection(space, data);
        return new StagedEvaluator<>(costStage(space, calibration, measurer, log), trainStage(space, proxy, runSeed),
                rungTrainStage(space, fidelityBudgets(space), data, runSeed), constraints(space),
                THREADS_PER_TRAINING, provenance(space, data, proxy));
    }

    /** Manifest entries describing the data and budget the evaluations use. */
    public static Map<String, Object> provenance(SearchSpace space, DataSplit data, DataSplit.Selection sel) {
        TrainBudget b = space.proxy();
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("dataset", data.source());
        prov.put("dataset_shipped_subset", data.shipped());
        prov.put("proxy_train_images", sel.train().size());
        prov.put("proxy_eval_images", sel.eval().size());
        prov.put("proxy_budget", withRegularisation(Map.of("epochs", b.epochs(), "batch_size", b.batchSize(),
                "learning_rate", b.learningRate()), b));
        if (!space.rungs().isEmpty()) {
            List<Map<String, Object>> rs = new java.util.ArrayList<>();
            for (TrainBudget r : space.rungs()) {
                rs.add(withRegularisation(Map.of("train_images", r.trainImages(), "epochs", r.epochs(),
                        "batch_size", r.batchSize(), "learning_rate", r.learningRate()), r));
            }
            prov.put("rungs", rs);
            prov.put("promote", space.promote());
        }
        prov.put("he_merge", space.he().merge());
        prov.put("he_packing", space.he().packing());
        prov.put("latency_threads", COST_THREADS);
        return prov;
    }

    /**
     * A budget's provenance entry with its augmentation and weight decay when it has any (a budget without them keeps
     * the entry of earlier versions, so their run manifests still match).
     */
    private static Map<String, Object> withRegularisation(Map<String, Object> entry, TrainBudget b) {
        if (!b.regularises()) {
            return entry;
        }
        Map<String, Object> m = new LinkedHashMap<>(new java.util.TreeMap<>(entry));
        m.put("augment_shift", b.augment().shift());
        m.put("augment_flip", b.augment().flip());
        m.put("weight_decay", b.weightDecay());
        return m;
    }

    /** The space's constraints in the search's terms ("no limit" as MAX_VALUE / +Infinity). */
    public static Constraints constraints(SearchSpace space) {
        var s = space.search();
        return new Constraints(s.maxLogN().orElse(Integer.MAX_VALUE),
                s.maxLatencySeconds().orElse(Double.POSITIVE_INFINITY), s.maxDepth().orElse(Integer.MAX_VALUE),
                s.maxKeyBytes().orElse(Long.MAX_VALUE));
    }

    /** Compiles the plan, calibrates its ring degree if needed, and predicts latency. */
    static final class CostStage implements StagedEvaluator.CostStage<Architecture> {
        private final boolean merge;
        private final Packing packing;
        private final int maxLogN;
        private final Path cache;
        private final Supplier<OpMeasurer> measurerFactory;
        private final Consumer<String> log;
        private OpMeasurer measurer;

        CostStage(boolean merge, Packing packing, int maxLogN, Path cache, Supplier<OpMeasurer> measurer,
                  Consumer<String> log) {
            this.merge = merge;
            this.packing = packing;
            this.maxLogN = maxLogN;
            this.cache = cache;
            this.measurerFactory = measurer;
            this.log = log;
        }

        @Override
        public StagedEvaluator.Cost cost(Candidate<Architecture> c) {
            // single packing compiles exactly as before batch packing existed (latency runs replay identically)
            HePlan plan = packing == Packing.CURRENT ? HePlan.compile(c.value().lower(), CompileOptions.defaults(merge))
                    : HePlan.compile(c.value().lower(), CompileOptions.defaults(merge), packing);
            return cost(c.label(), plan);
        }

        /** The cost of a compiled plan (infinite latency above the ring limit, which is not calibrated for). */
        StagedEvaluator.Cost cost(String label, HePlan plan) {
            int images = plan.packing().batch() ? plan.slots() : 1;
            if (plan.logN() > maxLogN) {
                // over the ring-degree limit: infeasible whatever its latency, so do not calibrate a ring for it
                return new StagedEvaluator.Cost(Double.POSITIVE_INFINITY, plan.depth(), plan.logN(),
                        MemoryModel.relinearizationKeyBytes(plan) + MemoryModel.galoisKeyBytes(plan), images);
            }
            CostReport r = new CostModel(calibration(ChainShape.of(plan))).estimate(label, plan);
            return new StagedEvaluator.Cost(r.predictedLatencyS().orElseThrow(), r.depth(), r.logN(), r.keyBytes(),
                    r.imagesPerRun());
        }

        private synchronized Calibration calibration(ChainShape logN) {
            CalibrationKey key = CalibrationKey.current(COST_THREADS);
            try {
                var cached = CalibrationCache.load(cache, key);
                if (cached.isPresent() && cached.get().covers(List.of(logN))) {
                    return cached.get();
                }
            } catch (java.io.IOException e) {
                log.accept("calibration cache " + cache + " is malformed (" + e.getMessage() + "): recalibrating");
            }
            if (measurer == null) {
                measurer = measurerFactory.get();
            }
            log.accept("calibrating the CKKS evaluator at logN " + logN + " (once per machine; cached in " + cache + ")");
            long t0 = System.nanoTime();
            Calibration cal = CalibrationCache.ensure(cache, key, measurer, List.of(logN));
            log.accept(String.format(java.util.Locale.ROOT, "calibrated %s in %.0f s", logN,
                    (System.nanoTime() - t0) / 1e9));
            return cal;
        }
    }
}
