package io.henas.search;

import java.util.List;
import java.util.Objects;

/**
 * A decoded, valid point of a {@link CandidateSpace}.
 *
 * @param genes       the choice indices that produced it (empty for reference candidates that have no genotype)
 * @param key         canonical key: two candidates with the same key are the same network and are evaluated once
 * @param label       a short human name (e.g. the architecture name)
 * @param description the full candidate as text (e.g. the architecture as JSON), stored in the trials database
 * @param value       the decoded object handed to the evaluator (e.g. an {@code io.henas.ir.Architecture})
 * @param <T>         type of the decoded object
 */
public record Candidate<T>(List<Integer> genes, String key, String label, String description, T value) {
    public Candidate {
        genes = List.copyOf(genes);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(value, "value");
        if (key.isBlank()) {
            throw new IllegalArgumentException("candidate key must not be blank, but was '" + key + "'");
        }
    }

    /** The genes as an array. */
    public int[] geneArray() {
        return genes.stream().mapToInt(Integer::intValue).toArray();
    }
}
