package io.henas.ring;

import java.util.ArrayDeque;

/**
 * A pool of reusable {@code long[N]} work arrays, so that hot operations (key switching, rescaling) do not allocate
 * and zero megabytes per call. Arrays taken are not zeroed. Thread-safe (a lock around a stack); holds at most
 * {@code capacity} idle arrays.
 */
public final class ScratchPool {
    private final int n;
    private final int capacity;
    private final ArrayDeque<long[]> free = new ArrayDeque<>();

    /**
     * @param n        array length
     * @param capacity maximum idle arrays kept
     */
    public ScratchPool(int n, int capacity) {
        if (n < 1 || capacity < 0) {
            throw new IllegalArgumentException("n must be >= 1 and capacity >= 0, but were " + n + ", " + capacity);
        }
        this.n = n;
        this.capacity = capacity;
    }

    /** Array length. */
    public int n() {
        return n;
    }

    /** An array of length N with arbitrary content. */
    public long[] take() {
        synchronized (free) {
            long[] a = free.pollFirst();
            if (a != null) {
                return a;
            }
        }
        return new long[n];
    }

    /** Returns an array to the pool (ignored if full or of another length; null is ignored). */
    public void give(long[] a) {
        if (a == null || a.length != n) {
            return;
        }
        synchronized (free) {
            if (free.size() < capacity) {
                free.addFirst(a);
            }
        }
    }
}
