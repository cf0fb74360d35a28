package io.henas.space;

import java.util.Locale;

/** A search objective and its direction. */
public enum Objective {
    /** Proxy test accuracy, maximised. */
    ACCURACY(true),
    /** Predicted encrypted latency of one run of the plan in seconds, minimised. */
    LATENCY(false),
    /** Multiplicative depth of the HE plan, minimised. */
    DEPTH(false),
    /**
     * Predicted amortized throughput in images per second (images per run / predicted latency of one run),
     * maximised. Implies batch packing ({@code he.packing: batch}, N/2 images per run); exclusive with
     * {@link #LATENCY}.
     */
    THROUGHPUT(true);

    private final boolean maximise;

    Objective(boolean maximise) {
        this.maximise = maximise;
    }

    /** True for objectives to maximise. */
    public boolean maximise() {
        return maximise;
    }

    /** The lower-case YAML key. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The YAML keys of every objective, in declaration order. */
    public static java.util.List<String> keys() {
        return java.util.Arrays.stream(values()).map(Objective::key).toList();
    }
}
