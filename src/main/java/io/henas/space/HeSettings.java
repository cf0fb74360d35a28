package io.henas.space;

/**
 * The {@code he} section: how candidates are compiled to CKKS plans.
 *
 * @param merge coefficient merging (batch-norm, activation coefficients and masks folded into adjacent linear
 *              layers) on or off; default on
 * @param packing {@code single} (one image per run, channels in slots: latency) or {@code batch} (one image per slot:
 *                throughput); default single
 */
public record HeSettings(boolean merge, String packing) {
    /** The accepted packings. */
    public static final java.util.List<String> PACKINGS = java.util.List.of("single", "batch");

    public HeSettings {
        if (!PACKINGS.contains(packing)) {
            throw new IllegalArgumentException("he.packing must be single or batch, but was '" + packing + "'");
        }
    }

    /** Merging as given, single packing. */
    public HeSettings(boolean merge) {
        this(merge, "single");
    }

    /** Defaults: merging on, single packing. */
    public static HeSettings defaults() {
        return new HeSettings(true);
    }
}
