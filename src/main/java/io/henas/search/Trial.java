package io.henas.search;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One evaluated candidate, as stored in {@code trials.db}.
 *
 * @param id          trial id: the order in which the search first met this candidate (deterministic for a seed)
 * @param generation  generation that first produced it (1 = initial population; 0 = reference candidates)
 * @param reference   whether it is one of the space's reference candidates
 * @param genes       its genotype (empty for references without one)
 * @param key         canonical key
 * @param label       short name
 * @param description the candidate as text (architecture JSON)
 * @param evaluation  its measurements, constraints applied
 * @param started     evaluation start
 * @param finished    evaluation end (commit time)
 */
public record Trial(int id, int generation, boolean reference, List<Integer> genes, String key, String label,
        String description, Evaluation evaluation, Instant started, Instant finished) {
    public Trial {
        genes = List.copyOf(genes);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        if (id < 0 || generation < 0) {
            throw new IllegalArgumentException("trial id and generation must be >= 0, but were " + id + ", "
                    + generation);
        }
    }

    /** The same trial with another evaluation (e.g. its result on a higher rung). */
    public Trial withEvaluation(Evaluation e) {
        return new Trial(id, generation, reference, genes, key, label, description, e, started, finished);
    }
}
