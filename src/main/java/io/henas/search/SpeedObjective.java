package io.henas.search;

import java.util.Locale;

/**
 * Which speed a run optimises beside accuracy: the predicted latency of one run of the plan ({@link #LATENCY}, one
 * image per run under single packing), or the predicted amortized throughput ({@link #THROUGHPUT}, images per second
 * under batch packing, N/2 images per run).
 *
 * <p>Both are ranked as a cost to minimise, {@link #cost}: seconds per run, or seconds per image (the inverse of
 * images/s, so dominance is the same as maximising images/s). With one image per run the two are the same number, so
 * a latency run's fitness, front and knee are exactly those it had before throughput existed.
 */
public enum SpeedObjective {
    /** Predicted encrypted latency of one run in seconds, minimised. */
    LATENCY,
    /** Predicted images per second (images per run / latency of one run), maximised. */
    THROUGHPUT;

    /** The minimised cost the search ranks: latency of one run, or seconds per image (NaN unknown). */
    public double cost(Evaluation e) {
        return this == LATENCY ? e.latencySeconds() : e.secondsPerImage();
    }

    /** The number a person reads: latency in seconds, or images per second. */
    public double shown(Evaluation e) {
        return this == LATENCY ? e.latencySeconds() : e.imagesPerSecond();
    }

    /** The objective's key in the space YAML and in run metadata ({@code latency}, {@code throughput}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The objective as listed in {@code pareto.json} and the manifest: {@code "latency_s (min)"} ... */
    public String described() {
        return this == LATENCY ? "latency_s (min)" : "images_per_second (max)";
    }

    /** Axis or column title of {@link #shown}. */
    public String title() {
        return this == LATENCY ? "predicted encrypted latency (s)"
                : "predicted throughput (images/s, amortized over a batch)";
    }
}
