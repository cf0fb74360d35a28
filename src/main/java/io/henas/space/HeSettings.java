package io.henas.space;

/**
 * The {@code he} section: how candidates are compiled to CKKS plans.
 *
 * @param merge coefficient merging (batch-norm, activation coefficients and masks folded into adjacent linear
 *              layers) on or off; default on
 */
public record HeSettings(boolean merge) {
    /** Defaults: merging on. */
    public static HeSettings defaults() {
        return new HeSettings(true);
    }
}
