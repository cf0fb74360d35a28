package io.henas.infer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.henas.ckks.Plaintext;

/**
 * Encoded plaintexts of one model's plan, by plaintext index, kind, level and scale, kept while they fit a byte
 * budget. The encodings depend on the model and the parameters only (never on keys or inputs), so one cache may serve
 * every session of a server. Thread-safe; cached plaintexts are only read.
 */
public final class PlaintextCache {
    /** The identity of an encoding: plan plaintext (or constant) {@code pt} at {@code level} and {@code scale}. */
    record Key(int pt, boolean constant, int level, double scale) {
    }

    private final ConcurrentHashMap<Key, Plaintext> map = new ConcurrentHashMap<>();
    private final long budget;
    private final AtomicLong bytes = new AtomicLong();

    /** @param budgetBytes the most bytes of encoded plaintexts to keep (0: keep none) */
    public PlaintextCache(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("the plaintext cache budget must be >= 0 bytes, but was " + budgetBytes);
        }
        this.budget = budgetBytes;
    }

    Plaintext get(Key k) {
        return map.get(k);
    }

    /** Keeps {@code p} if its {@code size} still fits the budget (and no other thread cached it first). */
    void offer(Key k, Plaintext p, long size) {
        long now = bytes.get();
        while (now + size <= budget) {
            if (bytes.compareAndSet(now, now + size)) {
                if (map.putIfAbsent(k, p) != null) {
                    bytes.addAndGet(-size);
                }
                return;
            }
            now = bytes.get();
        }
    }

    /** Bytes of the plaintexts held. */
    public long bytes() {
        return bytes.get();
    }

    /** Number of plaintexts held. */
    public int size() {
        return map.size();
    }
}
