package io.henas.ring;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

/**
 * Runs independent per-limb work (NTTs, pointwise products) on a fixed number of threads. With one thread it is a
 * plain loop on the caller's thread (no pool, no overhead). With {@code t > 1} threads the index range is cut into
 * {@code t} contiguous chunks: {@code t - 1} run on daemon pool threads and one on the caller. Thread-safe.
 */
public final class Parallel implements AutoCloseable {
    /** The sequential instance. */
    public static final Parallel SEQUENTIAL = new Parallel(1);

    private final int threads;
    private final ExecutorService pool;

    /**
     * @param threads number of threads, at least 1
     */
    public Parallel(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256], but was " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "henas-limb");
            t.setDaemon(true);
            return t;
        });
    }

    /** Number of threads. */
    public int threads() {
        return threads;
    }

    /** Calls {@code body.accept(i)} for every {@code i} in {@code [0, count)}, possibly concurrently. */
    public void forEach(int count, IntConsumer body) {
        if (pool == null || count <= 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        int chunks = Math.min(threads, count);
        @SuppressWarnings("unchecked")
        Future<?>[] fs = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            final int from = (int) ((long) count * c / chunks);
            final int to = (int) ((long) count * (c + 1) / chunks);
            fs[c - 1] = pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    body.accept(i);
                }
            });
        }
        int end = count / chunks;
        RuntimeException first = null;
        try {
            for (int i = 0; i < end; i++) {
                body.accept(i);
            }
        } catch (RuntimeException e) {
            first = e;
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for limb work", e);
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Shuts the pool down (no-op for one thread). */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
