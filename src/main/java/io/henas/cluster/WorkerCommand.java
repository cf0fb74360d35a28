package io.henas.cluster;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.henas.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code henas worker}: joins a cluster and evaluates the candidates searches ship to it, until stopped. The
 * integrator lists this class among {@code Main}'s subcommands; it needs nothing from {@code cli}.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Join a henas cluster and evaluate candidates for searches started with --cluster.",
                "Runs until stopped (Ctrl-C); rejoins when another member shuts the cluster down. Exits 2 if a search"
                        + " with another henas version or dataset refuses it, or if it cannot rejoin."})
public final class WorkerCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--data", paramLabel = "DIR",
            description = "Fashion-MNIST directory (default: the Debian package, else the subset in the jar). "
                    + "Its content hash must equal the search's.")
    Path data;

    @Option(names = "--dataset-sha256", paramLabel = "HEX",
            description = "Announce this dataset hash instead of hashing --data (for evaluators that read no data, "
                    + "e.g. the synthetic one).")
    String datasetSha256;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "0",
            description = "Evaluations at once (default 0: cores / threads per evaluation of each search).")
    int slots;

    @Option(names = "--cores", paramLabel = "N", defaultValue = "0",
            description = "Cores offered to evaluations (default 0: all available processors).")
    int cores;

    @Override
    public Integer call() throws Exception {
        ClusterWorker.run(config());
        return 0;
    }

    /** The worker settings these options describe (hashes the data unless {@code --dataset-sha256} is given). */
    WorkerConfig config() throws java.io.IOException {
        ClusterConfig c = cluster.toConfig().orElseThrow(() -> new IllegalArgumentException(
                "henas worker needs --cluster HOST[:PORT],... (the members to join)"));
        String sha = datasetSha256 != null ? datasetSha256
                : DatasetFingerprint.sha256(Datasets.fashionMnist(Optional.ofNullable(data)));
        int n = cores > 0 ? cores : Runtime.getRuntime().availableProcessors();
        return new WorkerConfig(c, NodeIdentity.current(sha), new WorkerEnvironment(data, n), slots);
    }
}
