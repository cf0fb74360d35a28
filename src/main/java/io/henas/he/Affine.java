package io.henas.he;

/**
 * A per-channel affine map {@code true = a[c] * stored + c[c]} that merging leaves pending on a value instead of
 * paying a level for it; it is absorbed by the next linear layer's plaintexts (or applied after decryption on the
 * logits). Definitions refer to earlier entries of {@link HePlan#affines()} by index and to network nodes by id; their
 * numbers are computed from the weights by {@link PlanBinding}.
 */
public sealed interface Affine {
    /** Whether the offset {@code c} is structurally zero. */
    boolean offsetFree(java.util.List<Affine> all);

    /** {@code a = 1, c = 0} on {@code channels} channels. */
    record Identity(int channels) implements Affine {
        public boolean offsetFree(java.util.List<Affine> all) { return true; }
    }

    /** Batch-norm node {@code node} applied after {@code prev}: {@code a' = a s}, {@code c' = c s + t}. */
    record Bn(int prev, int node) implements Affine {
        public boolean offsetFree(java.util.List<Affine> all) { return false; }
    }

    /** Scales the stored value by {@code factor}: {@code a' = a * factor}, {@code c' = c} (sum pooling). */
    record ScaleA(int prev, double factor) implements Affine {
        public boolean offsetFree(java.util.List<Affine> all) { return all.get(prev).offsetFree(all); }
    }

    /**
     * The pending part of a merged activation node {@code node} (A x^2 + B x + C) whose input had pending
     * {@code prev = (a, c)}: the plan computes {@code s * (s + B'/A')} and leaves {@code a' = A a^2},
     * {@code c' = A c^2 + B c + C}.
     */
    record ActOut(int prev, int node, boolean poly2) implements Affine {
        public boolean offsetFree(java.util.List<Affine> all) { return !poly2 && all.get(prev).offsetFree(all); }
    }

    /**
     * As {@link ActOut}, for a plan that computes the centred square {@code (s + k/2)^2} with {@code k = B'/A'}
     * instead of {@code s * (s + k)} (batch packing: the shift is added in place, no copy of the input): since
     * {@code s (s + k) = (s + k/2)^2 - k^2/4}, {@code a' = A a^2} and {@code c' = A c^2 + B c + C - A a^2 k^2 / 4}.
     */
    record ActOutCentered(int prev, int node, boolean poly2) implements Affine {
        public boolean offsetFree(java.util.List<Affine> all) { return false; }
    }

    /** Channel concatenation of several pending maps. */
    record Concat(java.util.List<Integer> parts) implements Affine {
        public Concat {
            parts = java.util.List.copyOf(parts);
        }

        public boolean offsetFree(java.util.List<Affine> all) {
            return parts.stream().allMatch(p -> all.get(p).offsetFree(all));
        }
    }

    /**
     * A linear branch {@code value} added to a branch with pending {@code base}: {@code a = a_v / a_b},
     * {@code c = c_v / a_b}, so that {@code a_b * (s_base + s') + c_b = true_base + true_value}. The linear layer
     * feeding the residual add folds this in and its output is added to the other branch's stored value.
     */
    record Relative(int base, int value) implements Affine {
        public boolean offsetFree(java.util.List<Affine> all) {
            return all.get(value).offsetFree(all);
        }
    }
}
