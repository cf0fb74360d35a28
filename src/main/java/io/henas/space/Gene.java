package io.henas.space;

import java.util.List;
import java.util.Objects;

/**
 * One discrete choice of a search space: the field path where the choice list is written and its choices, in file
 * order. A gene value is an index into {@link #choices()}. Choice values are {@link Integer}, {@link String} or
 * {@link Boolean} as written in the YAML (a pool choice {@code none} is the string {@code "none"}).
 *
 * @param path    the field path, e.g. {@code stages[1].channels} or {@code defaults.activation}
 * @param choices at least two distinct values
 */
public record Gene(String path, List<?> choices) {
    public Gene {
        Objects.requireNonNull(path, "path");
        choices = List.copyOf(choices);
        if (choices.size() < 2) {
            throw new IllegalArgumentException("gene " + path + " needs at least 2 choices, but had " + choices.size());
        }
    }

    /** Number of choices. */
    public int cardinality() {
        return choices.size();
    }
}
