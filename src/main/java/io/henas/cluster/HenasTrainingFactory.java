package io.henas.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.henas.data.DataSplit;
import io.henas.data.Datasets;
import io.henas.ir.Architecture;
import io.henas.search.CandidateEvaluator;
import io.henas.search.CostFirstBackend;
import io.henas.search.HenasEvaluator;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;

/**
 * The production worker factory of {@code henas search --cluster}: proxy training of architectures from the search's
 * space, on the worker's copy of the dataset. Latency is predicted by the search itself ({@code CostFirstBackend}),
 * so every candidate is costed with one calibration whichever worker trains it.
 *
 * <p>Settings: {@code space_yaml} (the space file's text), {@code space_file} (its name, for messages),
 * {@code run_seed} (the search seed: training seeds derive from it and the candidate key). A space with
 * {@code train.rungs} also trains on the rung each task names (multi-fidelity search).
 */
public final class HenasTrainingFactory implements EvaluatorFactory<Architecture> {
    public static final String SPACE_YAML = "space_yaml";
    public static final String SPACE_FILE = "space_file";
    public static final String RUN_SEED = "run_seed";

    public HenasTrainingFactory() {
        // instantiated by name on each worker
    }

    /** Job settings for a space file's text and the run seed. */
    public static Map<String, String> settings(String spaceYaml, String spaceFile, long runSeed) {
        return Map.of(SPACE_YAML, spaceYaml, SPACE_FILE, spaceFile, RUN_SEED, Long.toString(runSeed));
    }

    @Override
    public CandidateEvaluator<Architecture> create(Map<String, String> settings, WorkerEnvironment worker)
            throws Exception {
        SearchSpace space = space(settings);
        DataSplit data = Datasets.fashionMnist(Optional.ofNullable(worker.dataDir()));
        long seed = Long.parseLong(require(settings, RUN_SEED));
        DataSplit.Selection proxy = HenasEvaluator.proxySelection(space, data);
        return CostFirstBackend.trainingOnly(HenasEvaluator.trainStage(space, proxy, seed),
                space.rungs().isEmpty() ? null : HenasEvaluator.rungTrainStage(space, data, seed),
                HenasEvaluator.THREADS_PER_TRAINING, HenasEvaluator.provenance(space, data, proxy));
    }

    @Override
    public Architecture decode(List<Integer> genes, String key, String description, Map<String, String> settings) {
        SearchSpace space = space(settings);
        if (!genes.isEmpty()) {
            return space.decode(genes.stream().mapToInt(Integer::intValue).toArray());
        }
        String k = key.startsWith("ref:") ? key.substring(4) : key;
        return space.references().stream().filter(a -> SearchSpace.canonicalKey(a).equals(k)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no reference architecture with key " + key + " in "
                        + settings.get(SPACE_FILE)));
    }

    private static SearchSpace space(Map<String, String> settings) {
        return SpaceLoader.parse(require(settings, SPACE_YAML), settings.getOrDefault(SPACE_FILE, "space.yaml"));
    }

    private static String require(Map<String, String> settings, String key) {
        String v = settings.get(key);
        if (v == null) {
            throw new IllegalArgumentException("job settings lack '" + key + "'");
        }
        return v;
    }
}
