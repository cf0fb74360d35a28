package io.henas.space;

import java.util.Locale;

/** A search objective and its direction. */
public enum Objective {
    /** Proxy test accuracy, maximised. */
    ACCURACY(true),
    /** Predicted encrypted latency in seconds, minimised. */
    LATENCY(false),
    /** Multiplicative depth of the HE plan, minimised. */
    DEPTH(false);

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
}
