package io.henas.search;

/** Receives search progress; called from the search thread ({@link #onTrial} from evaluation threads). */
public interface ProgressListener {
    /** Ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** After each generation (also for replayed generations on resume). */
    default void onGeneration(GenerationStats stats) {
    }

    /** After each trial is committed to the database (any thread). */
    default void onTrial(Trial trial) {
    }
}
