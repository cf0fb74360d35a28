package io.henas.cluster;

import java.util.List;
import java.util.Map;

import io.henas.search.CandidateEvaluator;

/**
 * Builds, on a worker, the same evaluator the search would use locally. A search names its factory by class in the
 * {@link JobSpec}; each worker instantiates it once per search through its public no-argument constructor (so the
 * class must be on the worker's class path: the henas jar) and keeps the evaluator for every candidate of that
 * search. The integrator's production factory builds the {@code StagedEvaluator} (HE cost, then proxy training) from
 * the job settings (training budget, data reference, run seed); {@link SyntheticEvaluatorFactory} is a cheap
 * deterministic one for tests and cluster smoke runs.
 *
 * @param <T> type of the candidate value the evaluator takes (e.g. an architecture)
 */
public interface EvaluatorFactory<T> {

    /**
     * The evaluator for a search's settings; called once per search and worker, its result is called from several
     * threads at once.
     *
     * @param settings the job settings ({@link JobSpec#settings()})
     * @param worker   this worker's local resources (data directory, cores)
     */
    CandidateEvaluator<T> create(Map<String, String> settings, WorkerEnvironment worker) throws Exception;

    /**
     * Rebuilds a candidate's value from what the search shipped: its genes (empty for reference candidates), key and
     * description (the text stored in the trials database). Must yield a value equal to the one the search decoded,
     * so the worker evaluates exactly what a local evaluation would. For architectures, either decode the genes with
     * the same space (its YAML text in the settings; the search checks the space hash) or parse a description that
     * holds the whole architecture (e.g. {@code SpaceWriter.fixedYaml}).
     */
    T decode(List<Integer> genes, String key, String description, Map<String, String> settings) throws Exception;
}
