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

    /** A one-line remark about the run (e.g. which references seeded the first generation). */
    default void onNote(String line) {
    }

    /** After a trial's result on a rung above 0 is committed (multi-fidelity search; any thread). */
    default void onRung(Trial trial, RungResult result) {
    }
}
