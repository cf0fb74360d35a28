package io.henas.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.henas.bench.EvaluatorOpMeasurer;
import io.henas.cluster.ClusterBackend;
import io.henas.cluster.ClusterConfig;
import io.henas.cluster.DatasetFingerprint;
import io.henas.cluster.HenasTrainingFactory;
import io.henas.cluster.JobSpec;
import io.henas.cluster.NodeIdentity;
import io.henas.data.DataSplit;
import io.henas.ir.Architecture;
import io.henas.search.CostFirstBackend;
import io.henas.search.EvaluationBackend;
import io.henas.search.FidelitySample;
import io.henas.search.HenasEvaluator;
import io.henas.search.LocalEvaluationPool;
import io.henas.search.RungPlan;
import io.henas.search.SpaceCandidates;
import io.henas.search.StagedEvaluator;
import io.henas.space.SearchSpace;

/** {@code henas search SPACE --fidelity-sample K}: the rank-fidelity measurement of {@link FidelitySample}. */
final class FidelityRun {
    private FidelityRun() {
    }

    static void run(SearchSpace space, Path file, DataSplit split, long seed, Path cacheFile, int k, int threads,
                    Optional<ClusterConfig> cluster, Path dir, Path from, PrintWriter stdout) throws Exception {
        RungPlan plan = HenasEvaluator.fidelityPlan(space, split);
        SpaceCandidates candidates = new SpaceCandidates(space);
        StagedEvaluator.CostStage<Architecture> cost = HenasEvaluator.costStage(space, cacheFile,
                () -> new EvaluatorOpMeasurer(HenasEvaluator.COST_THREADS), System.err::println);
        FidelitySample.Result r;
        if (cluster.isEmpty()) {
            StagedEvaluator<Architecture> ev = HenasEvaluator.createForFidelity(space, split, seed, cacheFile,
                    () -> new EvaluatorOpMeasurer(HenasEvaluator.COST_THREADS), System.err::println);
            int n = threads > 0 ? threads : LocalEvaluationPool.defaultThreads(
                    Runtime.getRuntime().availableProcessors(), ev.threadsPerEvaluation());
            try (EvaluationBackend<Architecture> pool = new LocalEvaluationPool<>(ev, n)) {
                r = FidelitySample.run(candidates, cost, HenasEvaluator.constraints(space), pool, plan, k, seed, dir,
                        from, System.err::println);
            }
        } else {
            if (space.rungs().isEmpty()) {
                throw new IllegalArgumentException(file + ": --fidelity-sample with --cluster needs train.rungs in the "
                        + "space (workers train on its rungs), but the space has none");
            }
            ClusterConfig cfg = cluster.get();
            JobSpec job = JobSpec.of(HenasTrainingFactory.class, HenasTrainingFactory.settings(Files.readString(file),
                    file.getFileName().toString(), seed), HenasEvaluator.THREADS_PER_TRAINING);
            NodeIdentity id = NodeIdentity.current(DatasetFingerprint.sha256(split));
            try (ClusterBackend<Architecture> workers = ClusterBackend.start(cfg, id, job,
                    l -> System.err.println("henas search: " + l))) {
                if (!workers.awaitWorkers(1, cfg.workerWait())) {
                    throw new IllegalStateException("no worker joined cluster '" + cfg.clusterName() + "' within "
                            + cfg.workerWait().toSeconds() + " s");
                }
                var backend = new CostFirstBackend<>(cost, HenasEvaluator.constraints(space), workers);
                r = FidelitySample.run(candidates, cost, HenasEvaluator.constraints(space), backend, plan, k, seed,
                        dir, from, System.err::println);
            }
        }
        stdout.print(FidelitySample.table(r));
        stdout.println("fidelity: " + dir.resolve(FidelitySample.REPORT).toAbsolutePath().normalize());
        stdout.flush();
    }
}
