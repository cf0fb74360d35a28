package io.henas.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.henas.search.Candidate;
import io.henas.search.CandidateEvaluator;
import io.henas.search.Evaluation;

/**
 * A cheap, deterministic, CPU-bound stand-in for proxy training, for tests, cluster smoke runs and throughput
 * measurements: the candidate value is its description; the evaluation spins a 64-bit mixing hash over it for
 * {@code iterations} rounds (optionally also sleeping {@code sleep_ms}), then derives accuracy and latency from the
 * result, so every machine computes the same numbers. Settings (all optional): {@code iterations} (default
 * 1,000,000), {@code sleep_ms} (default 0), {@code fail_contains} (a candidate whose description contains this text
 * throws, to exercise the FAILED path).
 */
public final class SyntheticEvaluatorFactory implements EvaluatorFactory<String> {
    /** The dataset hash the synthetic evaluator stands for (it reads no data). */
    public static final String DATASET_SHA256 = DatasetFingerprint.sha256("henas synthetic evaluator, no data");

    public SyntheticEvaluatorFactory() {
        // instantiated by name on workers
    }

    @Override
    public CandidateEvaluator<String> create(Map<String, String> settings, WorkerEnvironment worker) {
        long iterations = Long.parseLong(settings.getOrDefault("iterations", "1000000"));
        long sleepMs = Long.parseLong(settings.getOrDefault("sleep_ms", "0"));
        String failContains = settings.getOrDefault("fail_contains", "");
        if (iterations < 1 || sleepMs < 0) {
            throw new IllegalArgumentException("iterations must be >= 1 and sleep_ms >= 0, but were " + iterations
                    + ", " + sleepMs);
        }
        return new Evaluator(iterations, sleepMs, failContains);
    }

    @Override
    public String decode(List<Integer> genes, String key, String description, Map<String, String> settings) {
        return description;
    }

    /** The evaluator itself; also usable locally (the same numbers as on a worker). */
    public static CandidateEvaluator<String> evaluator(long iterations, long sleepMs) {
        return new Evaluator(iterations, sleepMs, "");
    }

    private record Evaluator(long iterations, long sleepMs, String failContains)
            implements CandidateEvaluator<String> {
        @Override
        public Evaluation evaluate(Candidate<String> c) throws Exception {
            long t0 = System.nanoTime();
            if (!failContains.isEmpty() && c.value().contains(failContains)) {
                throw new IllegalStateException("synthetic failure for " + c.key());
            }
            long h = 0x9E3779B97F4A7C15L;
            for (byte b : c.value().getBytes(StandardCharsets.UTF_8)) {
                h = mix(h ^ b);
            }
            long x = h;
            for (long i = 0; i < iterations; i++) {
                x = mix(x + i);
            }
            if (sleepMs > 0) {
                Thread.sleep(sleepMs);
            }
            double size = 0;
            for (int g : c.genes()) {
                size += g;
            }
            double noise = ((h >>> 11) * 0x1.0p-53) * 0.05;
            double accuracy = Math.min(1, 0.5 + 0.4 * (1 - Math.exp(-size / 4)) + noise + (x == 42 ? 1e-9 : 0));
            double latency = 0.1 + size * 0.25;
            int depth = 2 + (int) Math.round(size / 3);
            return Evaluation.ok(accuracy, latency, depth, 13, (System.nanoTime() - t0) / 1e9);
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
