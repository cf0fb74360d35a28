package io.henas.cluster;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Local resources of one worker, handed to {@link EvaluatorFactory#create}: where its copy of the data is (the
 * search sends a data reference and a hash, never the data) and how many cores it offers.
 *
 * @param dataDir directory holding the dataset files ({@code --data}); null = the default lookup (Debian package,
 *                then the subset shipped in the jar)
 * @param cores   cores this worker offers to evaluations (&gt;= 1)
 */
public record WorkerEnvironment(Path dataDir, int cores) {
    public WorkerEnvironment {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, but was " + cores);
        }
    }

    /** The data directory, if one was given. */
    public Optional<Path> data() {
        return Optional.ofNullable(dataDir);
    }

    /** No data directory, all available processors. */
    public static WorkerEnvironment defaults() {
        return new WorkerEnvironment(null, Runtime.getRuntime().availableProcessors());
    }
}
