package io.henas.cluster;

import static io.henas.cluster.ClusterTesting.LOOPBACK;
import static io.henas.cluster.ClusterTesting.fingerprint;
import static io.henas.cluster.ClusterTesting.freePorts;
import static io.henas.cluster.ClusterTesting.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.henas.search.ProgressListener;
import io.henas.search.SearchConfig;
import io.henas.search.SearchResult;
import io.henas.search.SearchRunner;
import io.henas.search.Trial;

/**
 * Worker JVMs beside the search on 127.0.0.1 ({@code henas worker} through {@link WorkerProcessMain}): one is killed
 * ({@code destroyForcibly}, i.e. SIGKILL) mid-run and every candidate is still in {@code trials.db} exactly once; a
 * worker with another dataset is refused at join and exits 2 with the reason.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusterProcessTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private ClusterBackend<String> backend;

    @AfterEach
    void stop() throws Exception {
        if (backend != null) {
            backend.close();
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> members(int[] ports) {
        List<String> m = new ArrayList<>();
        for (int p : ports) {
            m.add(member(p));
        }
        return m;
    }

    private Process worker(int port, int[] all, String datasetSha256, Path stderr) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                WorkerProcessMain.class.getName(), "--cluster", String.join(",", members(all)), "--bind", LOOPBACK,
                "--port", Integer.toString(port), "--name", "henas-it-" + all[0], "--member-timeout", "3",
                "--dataset-sha256", datasetSha256, "--slots", "2"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stderr.toFile()).start();
        processes.add(p);
        return p;
    }

    private ClusterBackend<String> backend(int port, int[] all, JobSpec job) {
        ClusterConfig c = ClusterConfig.builder(members(all)).clusterName("henas-it-" + all[0]).bindAddress(LOOPBACK)
                .port(port).memberTimeout(Duration.ofSeconds(3)).workerWait(Duration.ofSeconds(60)).build();
        backend = ClusterBackend.start(c, ClusterTesting.syntheticIdentity(), job, line -> log.add(line));
        return backend;
    }

    @Test
    void aKilledWorkerLosesNothingAndEveryCandidateIsEvaluatedExactlyOnce() throws Exception {
        int[] p = freePorts(3);
        Path logA = dir.resolve("worker-a.log"), logB = dir.resolve("worker-b.log");
        Process a = worker(p[0], p, SyntheticEvaluatorFactory.DATASET_SHA256, logA);
        Process b = worker(p[1], p, SyntheticEvaluatorFactory.DATASET_SHA256, logB);
        JobSpec job = ClusterTesting.syntheticJob(2_000, 250);
        ClusterBackend<String> cluster = backend(p[2], p, job);
        assertTrue(cluster.awaitWorkers(2, Duration.ofSeconds(60)), () -> "workers did not join: " + log + "\n"
                + read(logA) + read(logB));

        AtomicInteger trials = new AtomicInteger();
        ProgressListener killer = new ProgressListener() {
            @Override
            public void onTrial(Trial t) {
                if (trials.incrementAndGet() == 6) {
                    a.destroyForcibly();
                }
            }
        };
        SearchConfig config = SearchConfig.builder(dir.resolve("run")).population(8).generations(3).seed(5).build();
        SearchResult r = SearchRunner.run(new SyntheticSpace(), cluster, config, killer);

        assertEquals(3, r.generations());
        assertTrue(a.waitFor(10, TimeUnit.SECONDS));
        assertTrue(b.isAlive(), () -> "the surviving worker stopped:\n" + read(logB));
        assertTrue(cluster.reruns() >= 1, () -> "nothing was re-run after the kill: " + log + "\n" + read(logA));
        assertTrue(read(logA).contains("evaluated "), "the killed worker had done work before the kill");
        assertTrue(read(logB).contains("evaluated "));

        Map<String, Integer> counts = ClusterTesting.keyCounts(dir.resolve("run").resolve(SearchRunner.TRIALS_DB));
        assertEquals(r.trials().size(), counts.size());
        assertTrue(counts.values().stream().allMatch(n -> n == 1), counts::toString);
        SearchResult local = SearchRunner.run(new SyntheticSpace(), SyntheticEvaluatorFactory.evaluator(2_000, 0),
                config.toBuilder().outDir(dir.resolve("local")).threads(2).build(), ProgressListener.NONE);
        assertEquals(fingerprint(local.trials()), fingerprint(r.trials()), "every candidate, as a local run has it");
    }

    @Test
    void aWorkerWithAnotherDatasetIsRefusedAndExitsWithTheReason() throws Exception {
        int[] p = freePorts(2);
        ClusterBackend<String> cluster = backend(p[1], p, ClusterTesting.syntheticJob(10, 0));
        String other = DatasetFingerprint.sha256("a different copy of the data");
        Path err = dir.resolve("refused.log");
        Process w = worker(p[0], p, other, err);
        assertTrue(w.waitFor(90, TimeUnit.SECONDS), () -> "the refused worker did not exit:\n" + read(err));
        String out = read(err);
        assertEquals(2, w.exitValue(), out);
        assertTrue(out.contains("refused by the search at " + cluster.address() + ": dataset sha256 mismatch: search="
                + SyntheticEvaluatorFactory.DATASET_SHA256 + ", worker=" + other), out);
        assertEquals(0, cluster.workers());
        assertFalse(cluster.refused().isEmpty(), "the search refused it too");
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
