package io.henas.ir;

import java.util.Locale;

/**
 * Activations allowed in an HE-friendly network. All are polynomials, so they evaluate exactly under CKKS.
 * <ul>
 *   <li>{@link #NONE}: identity (costs nothing).</li>
 *   <li>{@link #SQUARE}: x^2 (one ciphertext multiplication, one level).</li>
 *   <li>{@link #POLY2}: a*x^2 + b*x + c with a, b, c learned per channel (one level when a, b, c are merged into
 *       adjacent linear layers).</li>
 * </ul>
 */
public enum ActivationKind {
    NONE, SQUARE, POLY2;

    /** The lower-case name used in YAML and JSON. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a YAML/JSON key; the error lists the allowed keys. */
    public static ActivationKind parse(String key) {
        for (ActivationKind k : values()) {
            if (k.key().equals(key)) {
                return k;
            }
        }
        throw new ArchitectureException("activation must be one of [none, square, poly2], but was '" + key + "'");
    }

    /** Multiplicative depth of the activation itself (before any merging of coefficients). */
    public int degree() {
        return this == NONE ? 1 : 2;
    }
}
