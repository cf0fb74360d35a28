package io.henas.ring;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs independent per-limb work (NTTs, pointwise products) on a fixed number of threads. With one thread it is a
 * plain loop on the caller's thread (no pool, no overhead). With {@code t > 1} threads, {@code t - 1} persistent
 * daemon workers and the caller claim indices: thread {@code j} (the caller is 0, worker {@code w} is {@code w + 1})
 * first takes its own indices {@code j, j + t, j + 2t, ...}, then takes what is left of the others', so a worker that
 * starts late (or is descheduled on a busy machine) leaves its share to the others instead of stalling the call.
 * Taking one's own indices first keeps index {@code i} on thread {@code i mod t} across calls whenever every thread
 * is on time: RNS limb {@code i} written by one call is read by the next on the same core, from its own cache (with
 * indices handed out in arrival order, consecutive small calls such as a product and an accumulation moved limbs
 * between the cores' caches). Workers spin briefly after each
 * call before parking, because hot operations issue several calls back to back; the caller spins briefly, then parks,
 * while it waits for the last items. Dispatching allocates only a small job object and its array of t counters.
 *
 * <p>Thread-safe: a call made while another call is in progress (from another thread, or nested in a body) runs
 * sequentially on its caller's thread.
 */
public final class Parallel implements AutoCloseable {
    /** The sequential instance. */
    public static final Parallel SEQUENTIAL = new Parallel(1);

    /** How long an idle worker spins for the next call before parking. */
    private static final long WORKER_SPIN_NANOS = 50_000;
    /** How long the caller spins for workers' last items before parking. */
    private static final long CALLER_SPIN_NANOS = 20_000;

    private final int threads;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean closed;

    /**
     * One call: per residue class {@code r} modulo {@code t} the next unclaimed position in it (index
     * {@code r + t * position}), the count of unfinished indices, the first failure.
     */
    private static final class Job {
        final int count;
        final int stride;
        final IntConsumer body;
        final AtomicIntegerArray next;
        final AtomicInteger unfinished;
        volatile Thread waiter;
        volatile Throwable failure;

        Job(int count, int stride, IntConsumer body) {
            this.count = count;
            this.stride = stride;
            this.body = body;
            this.next = new AtomicIntegerArray(stride);
            this.unfinished = new AtomicInteger(count);
        }

        /**
         * Runs the indices of thread {@code self}'s class, then those left in the other classes, until none is left;
         * returns true if this thread finished the job's last index.
         */
        boolean work(int self) {
            int done = 0;
            for (int c = 0; c < stride; c++) {
                int r = (self + c) % stride;
                for (int i = r + stride * next.getAndIncrement(r); i < count; i = r + stride * next.getAndIncrement(r)) {
                    try {
                        body.accept(i);
                    } catch (Throwable e) {
                        if (failure == null) {
                            failure = e;
                        }
                    }
                    done++;
                }
            }
            return done > 0 && unfinished.addAndGet(-done) == 0;
        }
    }

    /** A pool thread's loop (a Runnable, not a Thread subclass, so that it holds no JDK thread state itself). */
    private final class Worker implements Runnable {
        final Thread thread;
        /** This worker's thread index in a job ({@code index + 1}; the caller is 0). */
        final int self;
        volatile boolean parked;

        Worker(int index) {
            self = index + 1;
            thread = new Thread(this, "henas-limb-" + index);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            Job last = null;
            while (!closed) {
                Job j = job;
                if (j == null || j == last) {
                    long until = System.nanoTime() + WORKER_SPIN_NANOS;
                    while (((j = job) == null || j == last) && !closed && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    if ((j == null || j == last) && !closed) {
                        parked = true;
                        j = job;
                        if ((j == null || j == last) && !closed) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                    continue;
                }
                last = j;
                if (j.work(self)) {
                    Thread w = j.waiter;
                    if (w != null) {
                        LockSupport.unpark(w);
                    }
                }
            }
        }
    }

    /**
     * @param threads number of threads, at least 1
     */
    public Parallel(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256], but was " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i);
            workers[i].thread.start();
        }
    }

    /** Number of threads. */
    public int threads() {
        return threads;
    }

    /** Calls {@code body.accept(i)} for every {@code i} in {@code [0, count)}, possibly concurrently. */
    public void forEach(int count, IntConsumer body) {
        if (workers.length == 0 || count <= 1 || closed || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        try {
            Job j = new Job(count, threads, body);
            job = j;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            if (!j.work(0)) {
                await(j);
            }
            Throwable f = j.failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error er) {
                throw er;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        } finally {
            job = null; // let the body and what it captures be collected
            busy.set(false);
        }
    }

    /** Waits until every index of {@code j} has finished: spins, then parks until the last worker unparks us. */
    private static void await(Job j) {
        long until = System.nanoTime() + CALLER_SPIN_NANOS;
        while (j.unfinished.get() != 0) {
            if (System.nanoTime() < until) {
                Thread.onSpinWait();
                continue;
            }
            j.waiter = Thread.currentThread();
            while (j.unfinished.get() != 0) {
                LockSupport.park(j);
            }
        }
    }

    /** Stops the workers (no-op for one thread). */
    @Override
    public void close() {
        if (this == SEQUENTIAL || workers.length == 0) {
            return;
        }
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }
}
