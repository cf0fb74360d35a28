package io.henas.cluster;

import picocli.CommandLine;

/**
 * Runs {@link WorkerCommand} as its own JVM for {@link ClusterProcessTest}, with the exit codes of {@code henas}
 * (2 for bad input such as a refused worker, 1 otherwise).
 */
final class WorkerProcessMain {
    private WorkerProcessMain() {
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new WorkerCommand());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            System.err.println("henas worker: " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        System.exit(cl.execute(args));
    }
}
