package io.henas.cli;

import picocli.CommandLine.Option;

/** {@code --threads T}: evaluator threads (default 1), shared by cost, compare, infer and bench plan. */
final class ThreadsMixin {
    /** The most evaluator threads accepted. */
    static final int MAX = 64;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "Evaluator threads (default: ${DEFAULT-VALUE}).")
    int threads;

    /** The thread count, checked to lie in [1, {@value #MAX}]. */
    int get() {
        if (threads < 1 || threads > MAX) {
            throw new IllegalArgumentException("--threads must be in [1, " + MAX + "], but was " + threads);
        }
        return threads;
    }
}
