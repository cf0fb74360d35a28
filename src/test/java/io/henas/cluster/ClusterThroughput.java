package io.henas.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.henas.search.Candidate;
import io.henas.search.EvaluationBackend;
import io.henas.search.LocalEvaluationPool;

/**
 * Measures evaluations per hour of the synthetic CPU-bound evaluator: in-process pools of 1 and 2 threads, then the
 * cluster backend with 1 worker JVM (1 slot), 1 worker JVM (2 slots) and 2 worker JVMs (1 slot each) on 127.0.0.1.
 * Not a test (numbers depend on the machine); run it with the test class path:
 *
 * <pre>
 * mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --sun-misc-unsafe-memory-access=allow -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     io.henas.cluster.ClusterThroughput [evaluations] [iterations] [sleep_ms]
 * </pre>
 *
 * With {@code sleep_ms > 0} each evaluation also sleeps: with few iterations this measures the dispatch overhead and
 * the scaling of slots independently of how busy the CPU is.
 */
public final class ClusterThroughput {
    private static long sleepMs;

    private ClusterThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        long iterations = args.length > 1 ? Long.parseLong(args[1]) : 100_000_000L;
        sleepMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
        System.out.printf(Locale.ROOT, "%d synthetic evaluations of %d mixing rounds + %d ms sleep each, %d cores%n",
                n, iterations, sleepMs, Runtime.getRuntime().availableProcessors());
        // warm-up so the first configuration is not charged for JIT compilation
        measure("warm-up (local, 2 threads)", new LocalEvaluationPool<>(
                SyntheticEvaluatorFactory.evaluator(iterations, sleepMs), 2), 4, 1000, iterations);
        measure("local pool, 1 thread", new LocalEvaluationPool<>(SyntheticEvaluatorFactory.evaluator(iterations,
                sleepMs), 1), n, 0, iterations);
        measure("local pool, 2 threads", new LocalEvaluationPool<>(SyntheticEvaluatorFactory.evaluator(iterations,
                sleepMs), 2), n, 0, iterations);
        cluster("cluster, 1 worker JVM x 1 slot", 1, 1, n, iterations);
        cluster("cluster, 1 worker JVM x 2 slots", 1, 2, n, iterations);
        cluster("cluster, 2 worker JVMs x 1 slot", 2, 1, n, iterations);
        cluster("cluster, 2 worker JVMs x 2 slots", 2, 2, n, iterations);
    }

    private static void cluster(String name, int workers, int slots, int n, long iterations) throws Exception {
        int[] ports = ClusterTesting.freePorts(workers + 1);
        List<String> members = new ArrayList<>();
        for (int p : ports) {
            members.add(ClusterTesting.member(p));
        }
        List<Process> procs = new ArrayList<>();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            for (int i = 0; i < workers; i++) {
                procs.add(new ProcessBuilder(javaBin, "--sun-misc-unsafe-memory-access=allow",
                        "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                        WorkerProcessMain.class.getName(), "--cluster", String.join(",", members), "--bind",
                        ClusterTesting.LOOPBACK, "--port", Integer.toString(ports[i]), "--name", "bench-" + ports[0],
                        "--dataset-sha256", SyntheticEvaluatorFactory.DATASET_SHA256, "--slots",
                        Integer.toString(slots)).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            ClusterConfig c = ClusterConfig.builder(members).clusterName("bench-" + ports[0])
                    .bindAddress(ClusterTesting.LOOPBACK).port(ports[workers]).build();
            JobSpec job = JobSpec.of(SyntheticEvaluatorFactory.class, java.util.Map.of("iterations",
                    Long.toString(iterations), "sleep_ms", Long.toString(sleepMs)), 1);
            ClusterBackend<String> b = ClusterBackend.start(c, ClusterTesting.syntheticIdentity(), job, l -> { });
            if (!b.awaitWorkers(workers, Duration.ofSeconds(60))) {
                throw new IllegalStateException("workers did not join");
            }
            // warm the workers' JIT with one evaluation per slot
            measure(name + " (warm-up)", b, workers * slots, 2000, iterations, false);
            measure(name, b, n, 0, iterations, true);
        } finally {
            for (Process p : procs) {
                p.destroy();
            }
            for (Process p : procs) {
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private static void measure(String name, EvaluationBackend<String> b, int n, int offset, long iterations)
            throws InterruptedException {
        measure(name, b, n, offset, iterations, true);
    }

    private static void measure(String name, EvaluationBackend<String> b, int n, int offset, long iterations,
            boolean close) throws InterruptedException {
        List<Candidate<String>> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String d = "bench-" + (offset + i);
            batch.add(new Candidate<>(List.of(i % 5, i % 3), "b" + (offset + i), d, d, d));
        }
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        b.evaluateAll(batch, o -> done.incrementAndGet());
        double s = (System.nanoTime() - t0) / 1e9;
        if (done.get() != n) {
            throw new IllegalStateException(name + ": " + done.get() + " of " + n + " reported");
        }
        if (!name.contains("warm-up")) {
            System.out.printf(Locale.ROOT, "%-36s %6.1f s  %8.0f evaluations/hour%n", name, s, n / s * 3600);
        }
        if (close) {
            b.close();
        }
    }
}
