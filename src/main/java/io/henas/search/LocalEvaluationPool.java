package io.henas.search;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Evaluates candidates on a fixed pool of platform threads in this JVM. An exception from the evaluator becomes a
 * {@link Evaluation.Status#FAILED} outcome; an {@link Error} stops the pool's other work and is rethrown.
 *
 * @param <T> type of the candidate value
 */
public final class LocalEvaluationPool<T> implements EvaluationBackend<T> {
    private final CandidateEvaluator<T> evaluator;
    private final int threads;
    private final ExecutorService executor;

    /**
     * @param evaluator the evaluator (thread-safe)
     * @param threads   evaluations at once, &gt;= 1
     */
    public LocalEvaluationPool(CandidateEvaluator<T> evaluator, int threads) {
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
        }
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "henas-eval-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newFixedThreadPool(threads, tf);
    }

    /** The default pool size: {@code max(1, cores / threadsPerEvaluation)}. */
    public static int defaultThreads(int cores, int threadsPerEvaluation) {
        if (cores < 1 || threadsPerEvaluation < 1) {
            throw new IllegalArgumentException("cores and threadsPerEvaluation must be >= 1, but were " + cores + ", "
                    + threadsPerEvaluation);
        }
        return Math.max(1, cores / threadsPerEvaluation);
    }

    @Override
    public void evaluateAll(List<Candidate<T>> batch, Consumer<Outcome<T>> onResult) throws InterruptedException {
        evaluateAll(batch, 0, onResult);
    }

    @Override
    public void evaluateAll(List<Candidate<T>> batch, int rung, Consumer<Outcome<T>> onResult)
            throws InterruptedException {
        CompletionService<Void> done = new ExecutorCompletionService<>(executor);
        List<Future<Void>> futures = new ArrayList<>(batch.size());
        for (Candidate<T> c : batch) {
            futures.add(done.submit(() -> {
                onResult.accept(run(c, rung));
                return null;
            }));
        }
        for (int i = 0; i < futures.size(); i++) {
            try {
                done.take().get();
            } catch (ExecutionException e) {
                for (Future<Void> other : futures) {
                    other.cancel(true);
                }
                Throwable cause = e.getCause();
                if (cause instanceof Error err) {
                    throw err;
                }
                if (cause instanceof RuntimeException re) {
                    // keep the type: a store failure (full disk, corrupt database) is the user's environment and maps
                    // to exit 2 in the CLI; wrapping it would turn it into an "internal error"
                    throw re;
                }
                throw new IllegalStateException("recording an evaluation failed: " + cause, cause);
            } catch (InterruptedException e) {
                for (Future<Void> other : futures) {
                    other.cancel(true);
                }
                throw e;
            }
        }
    }

    private Outcome<T> run(Candidate<T> c, int rung) {
        Instant start = Instant.now();
        Evaluation e;
        try {
            e = Objects.requireNonNull(evaluator.evaluate(c, rung), "evaluator returned null");
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new CancelledEvaluation(c.key());
        } catch (Exception ex) {
            String msg = ex.getMessage() == null ? "" : ": " + ex.getMessage();
            e = Evaluation.failed(ex.getClass().getSimpleName() + msg);
        }
        return new Outcome<>(c, e, start, Instant.now());
    }

    @Override
    public int parallelism() {
        return threads;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                System.err.println("warning: evaluation threads still running after 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An evaluation interrupted because the search stopped; it is not recorded and runs again on resume. */
    static final class CancelledEvaluation extends Error {
        CancelledEvaluation(String key) {
            super("evaluation of " + key + " was cancelled");
        }
    }
}
