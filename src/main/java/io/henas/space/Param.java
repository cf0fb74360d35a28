package io.henas.space;

import java.util.List;

/**
 * A field of a block, stage or head: a fixed value or a list of choices (a gene). {@code path} and {@code line} say
 * where the value is written (line 0 for a built-in default).
 */
sealed interface Param<T> permits Param.Fixed, Param.Choice {

    String path();

    int line();

    /** Every value the field can take. */
    List<T> values();

    /** A fixed value. */
    record Fixed<T>(T value, String path, int line) implements Param<T> {
        public List<T> values() {
            return List.of(value);
        }
    }

    /** A choice among at least two distinct values; {@code column} orders genes written on one line. */
    record Choice<T>(List<T> choices, String path, int line, int column) implements Param<T> {
        public Choice {
            choices = List.copyOf(choices);
        }

        public List<T> values() {
            return choices;
        }
    }

    /** A built-in default. */
    static <T> Param<T> builtin(T value) {
        return new Fixed<>(value, "(default)", 0);
    }
}
