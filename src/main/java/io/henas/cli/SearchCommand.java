package io.henas.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.henas.bench.EvaluatorOpMeasurer;
import io.henas.export.ExportedModel;
import io.henas.export.ModelExporter;
import io.henas.export.ModelSource;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.cost.CalibrationCache;
import io.henas.data.DataKind;
import io.henas.data.DataSpec;
import io.henas.data.DataSplit;
import io.henas.data.Datasets;
import io.henas.ir.Architecture;
import io.henas.search.ConsoleProgress;
import io.henas.search.HenasEvaluator;
import io.henas.search.SearchConfig;
import io.henas.search.SearchResult;
import io.henas.search.RunDirectoryLock;
import io.henas.search.SearchRunner;
import io.henas.search.SpaceCandidates;
import io.henas.search.StagedEvaluator;
import io.henas.search.Trial;
import io.henas.space.Objective;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;
import io.henas.space.TrainBudget;
import io.henas.train.TrainConfig;
import io.henas.train.TrainOutput;
import io.henas.train.TrainResult;
import io.henas.train.Trainer;
import io.henas.cluster.ClusterBackend;
import io.henas.cluster.ClusterConfig;
import io.henas.cluster.ClusterOptions;
import io.henas.cluster.DatasetFingerprint;
import io.henas.cluster.HenasTrainingFactory;
import io.henas.cluster.JobSpec;
import io.henas.cluster.NodeIdentity;
import io.henas.search.CostFirstBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code henas search SPACE.yaml}: the batch NAS job. Proposes architectures with NSGA-II, costs each under HE and
 * trains it on the proxy budget, writes the run directory, then trains the knee of the Pareto front on the full
 * budget into {@code knee/}.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Run a multi-objective architecture search (accuracy up, encrypted latency down) over a YAML "
                + "space. Progress goes to standard error; standard output ends with the run directory.")
final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPACE.yaml", description = "The search space.")
    Path file;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run directory (default: experiments/runs/<space>-<timestamp>/).")
    Path out;

    @Option(names = "--generations", paramLabel = "G", description = "Generations (default: the space's).")
    Integer generations;

    @Option(names = "--population", paramLabel = "P", description = "Population (default: the space's).")
    Integer population;

    @Option(names = "--seed", paramLabel = "S", description = "Search seed (default: the space's).")
    Long seed;

    @Option(names = "--resume", description = "Continue the run in --out (after a crash or kill): finished "
            + "evaluations are reused, the same seed replays the same candidates.")
    boolean resume;

    @Option(names = "--data", paramLabel = "DIR", description = "The space's data (see henas train --help);"
            + " Fashion-MNIST default: " + Datasets.DEBIAN_DIR + " if installed, else the shipped 6,000/1,000 subset.")
    Path data;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = "Parallel evaluations (default 0: cores / threads per training).")
    int threads;

    @Option(names = "--train-threads", paramLabel = "N", defaultValue = "0",
            description = "Native (ND4J) threads of each proxy training (default 0: cores / --threads, at least 1;"
                    + " all cores when --threads is 0). Small proxy trainings scale poorly over cores: --threads 2 on"
                    + " 2 cores (one thread each) ran the fashion-mobile search at 748 evaluations/h.")
    int trainThreads;

    @Option(names = "--no-knee", description = "Skip the full training of the knee model.")
    boolean noKnee;

    @Option(names = "--fidelity-sample", paramLabel = "K", description = "Instead of searching, train K random "
            + "feasible candidates on every rung of train.rungs (without rungs: the proxy and the full budget) and "
            + "print Kendall tau and Spearman rho of each rung against the last; writes fidelity.json in --out "
            + "(rerun with the same --out to continue after a kill).")
    Integer fidelitySample;

    @Option(names = "--fidelity-from", paramLabel = "DIR", description = "With --fidelity-sample: reuse the candidates "
            + "of the fidelity sample in DIR (K must equal their number) and its results on every rung of equal budget "
            + "(train_images x epochs), e.g. to add a longer reference rung; the other training settings of the rungs "
            + "must match (not checked).")
    Path fidelityFrom;

    @Option(names = "--cache", paramLabel = "FILE", description = "Calibration cache (default: ~/.cache/henas/"
            + "calibration.json).")
    Path cache;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        if (fidelityFrom != null && fidelitySample == null) {
            throw new IllegalArgumentException("--fidelity-from needs --fidelity-sample K (K = the number of candidates"
                    + " in " + fidelityFrom + ")");
        }
        SearchSpace space = SpaceLoader.load(file);
        DataSpec input = CliData.spec(space.datasetInfo());
        if (input.kind() != DataKind.FASHION_MNIST && cluster.toConfig().isPresent()) {
            throw new IllegalArgumentException(file + ": a cluster search trains on fashion-mnist (workers load it),"
                    + " but the space's dataset is " + space.dataset() + ": search it without --cluster");
        }
        Path dir = out != null ? out : Path.of("experiments", "runs", space.name()
                + (fidelitySample != null ? "-fidelity-" : "-") + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (resume && out == null) {
            throw new IllegalArgumentException("--resume needs --out DIR, the run directory to continue");
        }
        if (resume && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--resume: " + dir + " must be a run directory, but "
                    + (Files.exists(dir) ? "is not a directory" : "does not exist"));
        }
        if (out != null) {
            CliFiles.outputDirectory("--out", dir);
        } else {
            Files.createDirectories(dir); // the default place under experiments/runs
        }
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(dir)) {
            return search(stdout, space, dir);
        }
    }

    private Integer search(PrintWriter stdout, SearchSpace space, Path dir) throws Exception {
        DataSpec input = CliData.spec(space.datasetInfo());
        Map<String, String> recorded = resume ? SearchRunner.recordedSettings(dir) : Map.of();
        if (resume && recorded.isEmpty()) {
            throw new IllegalArgumentException("--resume: " + dir + " holds no run (no trials.db)");
        }
        var settings = space.search();
        long s = seed != null ? seed : recorded.containsKey("seed") ? Long.parseLong(recorded.get("seed"))
                : settings.seed();
        int pop = population != null ? population : recorded.containsKey("population")
                ? Integer.parseInt(recorded.get("population")) : settings.population();
        int gens = generations != null ? generations : recorded.containsKey("generations")
                ? Integer.parseInt(recorded.get("generations")) : settings.generations();

        if (resume && finished(dir, gens)) {
            System.err.println("henas search: " + dir + " is already finished (" + gens + " of " + gens
                    + " generations, report written); nothing to resume (to go further, pass --generations with a"
                    + " larger number)");
            stdout.println("results: " + dir.toAbsolutePath().normalize());
            stdout.flush();
            return ExitCodes.OK;
        }
        if (trainThreads < 0 || threads < 0) {
            throw new IllegalArgumentException("--threads and --train-threads must be >= 0, but were " + threads
                    + " and " + trainThreads);
        }
        if (trainThreads > 0 || threads > 0) {
            int cores = Runtime.getRuntime().availableProcessors();
            int n = trainThreads > 0 ? trainThreads : Math.max(1, cores / threads);
            System.setProperty(io.henas.train.Threads.PROPERTY, Integer.toString(n)); // read by every training
        }
        DataSplit split = CliData.load(input, data);
        System.err.println("data: " + split.source() + (split.shipped() ? " (the shipped subset: install "
                + "dataset-fashion-mnist or pass --data for the full dataset)" : ""));
        if (!input.preprocessing().isIdentity()) {
            split = new DataSplit(input.preprocessing().apply(split.train()), input.preprocessing().apply(split.test()),
                    split.source(), split.shipped());
            System.err.println("preprocessing: " + input.preprocessing());
        }
        Path cacheFile = cache != null ? cache : CalibrationCache.defaultPath();
        if (fidelitySample != null) {
            FidelityRun.run(space, file, split, s, cacheFile, fidelitySample, threads, cluster.toConfig(), dir,
                    fidelityFrom, stdout);
            return ExitCodes.OK;
        }
        SearchConfig config = SearchConfig.builder(dir).population(pop).generations(gens).seed(s).resume(resume)
                .threads(threads).constraints(HenasEvaluator.constraints(space))
                .depthObjective(settings.objectives().contains(Objective.DEPTH))
                .speed(HenasEvaluator.speed(space))
                .provenance("space_file", file.toString()).rungs(HenasEvaluator.rungPlan(space, split))
                .seedReferences(settings.seedReferences()).build();
        SearchResult result;
        Optional<ClusterConfig> clusterConfig = cluster.toConfig();
        if (clusterConfig.isEmpty()) {
            StagedEvaluator<Architecture> evaluator = HenasEvaluator.create(space, split, s, cacheFile,
                    () -> new EvaluatorOpMeasurer(HenasEvaluator.COST_THREADS), line -> System.err.println(line));
            result = SearchRunner.run(new SpaceCandidates(space), evaluator, config, new ConsoleProgress(System.err));
        } else {
            result = runOnCluster(clusterConfig.get(), space, split, s, cacheFile, config);
        }
        System.err.printf(Locale.ROOT, "search done: %d trials, front of %d, %d evaluated now, %d from cache, %s%n",
                result.trials().size(), result.front().size(), result.evaluatedNow(), result.cacheHits(),
                result.elapsed());
        if (!noKnee && result.knee().isPresent()) {
            trainKnee(space, split, result.knee().get(), dir.resolve("knee"), s, input);
        }
        stdout.println("results: " + dir.toAbsolutePath().normalize());
        stdout.flush();
        return ExitCodes.OK;
    }

    /** All generations recorded, the run marked finished after its report, and the knee exported (or not wanted). */
    private boolean finished(Path dir, int gens) {
        return RunDirectoryLock.generationsDone(dir.resolve(SearchRunner.TRIALS_DB)) >= gens
                && SearchRunner.finished(dir)
                && (noKnee || Files.exists(dir.resolve("knee").resolve("model.henas")));
    }

    /** Costs here, trains on the cluster's workers (they must have the same henas version and dataset). */
    private SearchResult runOnCluster(ClusterConfig cfg, SearchSpace space, DataSplit split, long runSeed,
                                      Path cacheFile, SearchConfig config) throws Exception {
        JobSpec job = JobSpec.of(HenasTrainingFactory.class, HenasTrainingFactory.settings(
                Files.readString(file), file.getFileName().toString(), runSeed), HenasEvaluator.THREADS_PER_TRAINING);
        NodeIdentity id = NodeIdentity.current(DatasetFingerprint.sha256(split));
        try (ClusterBackend<Architecture> workers = ClusterBackend.start(cfg, id, job,
                l -> System.err.println("henas search: " + l))) {
            if (!workers.awaitWorkers(1, cfg.workerWait())) {
                throw new IllegalArgumentException("no worker joined cluster '" + cfg.clusterName() + "' within "
                        + cfg.workerWait().toSeconds() + " s (--worker-wait); start workers with: " + cfg.workerHint());
            }
            CostFirstBackend<Architecture> backend = new CostFirstBackend<>(HenasEvaluator.costStage(space, cacheFile,
                    () -> new EvaluatorOpMeasurer(HenasEvaluator.COST_THREADS), l -> System.err.println(l)),
                    HenasEvaluator.constraints(space), workers);
            SearchConfig.Builder b = config.toBuilder();
            workers.provenance().forEach(b::provenance);
            HenasEvaluator.provenance(space, split, HenasEvaluator.proxySelection(space, split))
                    .forEach(b::provenance);
            return SearchRunner.run(new SpaceCandidates(space), backend, b.build(), new ConsoleProgress(System.err));
        }
    }

    /**
     * Trains the knee architecture on the space's full budget into {@code kneeDir} (a {@code henas train} output) and
     * exports it to {@code kneeDir/model.henas}; each step is skipped when its output exists (resume).
     */
    private static void trainKnee(SearchSpace space, DataSplit split, Trial knee, Path kneeDir, long seed,
                                  DataSpec input) throws Exception {
        if (Files.exists(kneeDir.resolve(TrainOutput.METRICS))) {
            System.err.println("knee: already trained in " + kneeDir);
        } else {
            Architecture arch = space.decode(knee.genes().stream().mapToInt(Integer::intValue).toArray());
            TrainBudget b = space.full();
            DataSplit.Selection sel = split.select(b.trainImages(), b.validationImages(), b.testImages());
            TrainConfig cfg = TrainConfig.ofBudget(TrainConfig.Mode.FULL, b.epochs(), b.batchSize(), b.learningRate(),
                    b.seed(), b.augment().shift(), b.augment().flip(), b.weightDecay());
            System.err.printf(Locale.ROOT, "knee: trial %d %s (proxy acc %.4f, predicted %.3f s): full training on %d "
                            + "images for %d epochs%n", knee.id(), knee.label(), knee.evaluation().accuracy(),
                    knee.evaluation().latencySeconds(), sel.train().size(), b.epochs());
            TrainResult r = Trainer.train(arch, cfg, sel.train(), sel.eval(),
                    line -> System.err.println("knee: " + line));
            TrainOutput.write(kneeDir, r);
            CliData.writeSpec(kneeDir, input);
            r.close();
            Files.writeString(kneeDir.resolve("architecture.yaml"), io.henas.space.SpaceWriter.fixedYaml(arch, space));
            System.err.printf(Locale.ROOT, "knee: %s test_acc=%.4f in %.0f s -> %s%n", r.status(), r.evalAccuracy(),
                    r.seconds(), kneeDir);
            if (!r.ok()) {
                System.err.println("knee: not exported: training failed: " + r.failureReason());
                return;
            }
        }
        Path model = kneeDir.resolve("model.henas");
        if (!Files.exists(model)) {
            ModelSource src = ModelSource.resolve(kneeDir.getParent(), "knee", io.henas.search.BuildInfo.commit());
            // the images the search re-costed every trained candidate on (HenasEvaluator.calibrationImages)
            java.util.List<double[]> calib = HenasEvaluator.calibrationImages(split);
            HePlan plan = io.henas.export.CalibratedCompile.compile(src.folded(), CompileOptions.defaults(
                    space.he().merge()), calib, HenasEvaluator.packing(space));
            ExportedModel m = input.kind() == DataKind.FASHION_MNIST && input.preprocessing().isIdentity()
                    ? ModelExporter.write(model, src, plan)
                    : ModelExporter.write(model, src, plan, java.util.Map.of(DataSpec.MANIFEST_KEY, input.toJson()));
            System.err.printf(Locale.ROOT, "knee: exported %s (logN %d, log QP %d, %.1f-bit security)%n", model,
                    m.heParameters().logN(), m.heParameters().logQp(), m.heParameters().securityBits());
        }
    }
}
