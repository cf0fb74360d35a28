package io.henas.he;

import java.util.Arrays;

/**
 * Operation counts of a plan per network node, {@link OpKind} and level. {@link #of(HePlan)} counts by walking the
 * instructions; executors count with {@link #record} as they run, and the two must be equal. Mutable while recording
 * (not thread-safe); compare with {@link #equals}.
 */
public final class OpCounts {
    private static final int KINDS = OpKind.values().length;
    private final int nodes;
    private final int levels;
    private final long[] counts;

    /** Empty counts for {@code nodes} nodes and levels {@code 0..maxLevel}. */
    public OpCounts(int nodes, int maxLevel) {
        this.nodes = nodes;
        this.levels = maxLevel + 1;
        this.counts = new long[nodes * KINDS * levels];
    }

    /** Counts of every instruction of {@code plan}. */
    public static OpCounts of(HePlan plan) {
        OpCounts c = new OpCounts(plan.net().nodes().size(), plan.depth());
        for (int i = 0; i < plan.instructionCount(); i++) {
            c.record(plan, i);
        }
        return c;
    }

    /** Counts instruction {@code i} of {@code plan} once. */
    public void record(HePlan plan, int i) {
        int node = plan.node(i);
        int level = plan.level(i);
        for (OpKind k : OpKind.of(plan.op(i))) {
            counts[(node * KINDS + k.ordinal()) * levels + level]++;
        }
    }

    /**
     * Adds {@code other}'s counts to these (e.g. the counts of consecutive plan segments).
     *
     * @throws IllegalArgumentException if the two cover different nodes or levels
     */
    public void add(OpCounts other) {
        if (other.nodes != nodes || other.levels != levels) {
            throw new IllegalArgumentException("counts shape mismatch: this=" + nodes + " nodes/" + levels
                    + " levels, other=" + other.nodes + " nodes/" + other.levels + " levels");
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    public int maxLevel() {
        return levels - 1;
    }

    /** Count of {@code kind} in node {@code node} at {@code level}. */
    public long count(int node, OpKind kind, int level) {
        return counts[(node * KINDS + kind.ordinal()) * levels + level];
    }

    /** Count of {@code kind} in node {@code node} over all levels. */
    public long count(int node, OpKind kind) {
        long s = 0;
        for (int l = 0; l < levels; l++) {
            s += count(node, kind, l);
        }
        return s;
    }

    /** Total count of {@code kind} at {@code level} over all nodes. */
    public long totalAt(OpKind kind, int level) {
        long s = 0;
        for (int n = 0; n < nodes; n++) {
            s += count(n, kind, level);
        }
        return s;
    }

    /**
     * Products by a plaintext vector, those opening an accumulation (MUL_PLAIN) and those adding into one
     * (MUL_PLAIN_ACC), in node {@code node}.
     */
    public long plainProducts(int node) {
        return count(node, OpKind.MUL_PLAIN) + count(node, OpKind.MUL_PLAIN_ACC);
    }

    /** {@link #plainProducts(int)} over the whole plan. */
    public long plainProducts() {
        return total(OpKind.MUL_PLAIN) + total(OpKind.MUL_PLAIN_ACC);
    }

    /** Total count of {@code kind}. */
    public long total(OpKind kind) {
        long s = 0;
        for (int l = 0; l < levels; l++) {
            s += totalAt(kind, l);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpCounts c && nodes == c.nodes && levels == c.levels && Arrays.equals(counts, c.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("OpCounts{");
        for (OpKind k : OpKind.values()) {
            sb.append(k.key()).append('=').append(total(k)).append(' ');
        }
        return sb.append('}').toString();
    }
}
