package io.henas.cluster;

import java.util.List;
import java.util.Map;

import io.henas.search.CandidateEvaluator;
import io.henas.search.Evaluation;

/** Test factory: on a worker offering one core every evaluation hangs for a minute; elsewhere it is instant. */
public final class HangOnOneCoreFactory implements EvaluatorFactory<String> {
    public HangOnOneCoreFactory() {
        // by name
    }

    @Override
    public CandidateEvaluator<String> create(Map<String, String> settings, WorkerEnvironment worker) {
        boolean hang = worker.cores() == 1;
        return c -> {
            if (hang) {
                Thread.sleep(60_000);
            }
            return Evaluation.ok(0.5, 1.0, 2, 13, 0.0);
        };
    }

    @Override
    public String decode(List<Integer> genes, String key, String description, Map<String, String> settings) {
        return description;
    }
}
