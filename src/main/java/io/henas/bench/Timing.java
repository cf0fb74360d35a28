package io.henas.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Medians with a JIT warm-up, on the wall clock or on the calling thread's CPU clock. CPU time is an honest measure
 * of single-threaded work on a shared machine (it excludes time the thread waited for a core) but ignores work
 * done on other threads, so it only makes sense with one evaluator thread.
 */
public final class Timing {
    /** Which clock to read. */
    public enum Clock {
        /** Elapsed time ({@link System#nanoTime()}). */
        WALL,
        /** CPU time of the calling thread. */
        CPU
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Timing() {
    }

    private static long now(Clock clock) {
        return clock == Clock.WALL ? System.nanoTime() : THREADS.getCurrentThreadCpuTime();
    }

    /**
     * Runs {@code op} until both {@code minWarmupRuns} runs and {@code warmupMillis} have passed, then times
     * {@code samples} runs and returns the median in microseconds.
     */
    public static double medianMicros(Runnable op, int minWarmupRuns, long warmupMillis, int samples) {
        return medianMicros(op, minWarmupRuns, warmupMillis, samples, Clock.WALL);
    }

    /** As {@link #medianMicros(Runnable, int, long, int)} on the given clock. */
    public static double medianMicros(Runnable op, int minWarmupRuns, long warmupMillis, int samples, Clock clock) {
        return medianMicros(NOTHING, op, minWarmupRuns, warmupMillis, samples, clock);
    }

    private static final Runnable NOTHING = () -> { };

    /**
     * As {@link #medianMicros(Runnable, int, long, int, Clock)}, running the untimed {@code prep} before every run
     * of {@code op} (warm-up included): e.g. resetting the operand of an in-place operation, like SEAL's harness.
     */
    public static double medianMicros(Runnable prep, Runnable op, int minWarmupRuns, long warmupMillis, int samples,
                                      Clock clock) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, but was " + samples);
        }
        warmUp(prep, op, minWarmupRuns, warmupMillis);
        double[] t = new double[samples];
        for (int i = 0; i < samples; i++) {
            prep.run();
            long t0 = now(clock);
            op.run();
            t[i] = (now(clock) - t0) / 1e3;
        }
        Arrays.sort(t);
        return samples % 2 == 1 ? t[samples / 2] : (t[samples / 2 - 1] + t[samples / 2]) / 2;
    }

    /**
     * Runs {@code op} until both {@code minWarmupRuns} runs and {@code warmupMillis} have passed, then times runs
     * until both {@code minSamples} runs and {@code sampleMillis} have passed (at most {@value #MAX_SAMPLES} runs), and
     * returns their mean in microseconds without the slowest and fastest 5% (one of each from 5 runs on; none below).
     * A cost model that adds up operations predicts their mean, not their median: when an operation is sometimes
     * slower (a worker thread that wakes late, a cache that another operation evicted) the median hides it.
     */
    public static double trimmedMeanMicros(Runnable op, int minWarmupRuns, long warmupMillis, int minSamples,
                                           long sampleMillis) {
        return trimmedMeanMicros(NOTHING, op, minWarmupRuns, warmupMillis, minSamples, sampleMillis);
    }

    /**
     * As {@link #trimmedMeanMicros(Runnable, int, long, int, long)}, running the untimed {@code prep} before every run
     * of {@code op} (warm-up included; its time counts towards {@code sampleMillis}).
     */
    public static double trimmedMeanMicros(Runnable prep, Runnable op, int minWarmupRuns, long warmupMillis,
                                           int minSamples, long sampleMillis) {
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be >= 1, but was " + minSamples);
        }
        warmUp(prep, op, minWarmupRuns, warmupMillis);
        double[] t = new double[Math.max(minSamples, 64)];
        int n = 0;
        long until = System.nanoTime() + sampleMillis * 1_000_000L;
        while (n < MAX_SAMPLES && (n < minSamples || System.nanoTime() < until)) {
            prep.run();
            long t0 = System.nanoTime();
            op.run();
            if (n == t.length) {
                t = Arrays.copyOf(t, Math.min(MAX_SAMPLES, 2 * n));
            }
            t[n++] = (System.nanoTime() - t0) / 1e3;
        }
        return trimmedMean(Arrays.copyOf(t, n));
    }

    /** Runs {@code prep} then {@code op}, untimed, until both {@code minRuns} runs and {@code millis} have passed. */
    private static void warmUp(Runnable prep, Runnable op, int minRuns, long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        for (int i = 0; i < minRuns || System.nanoTime() < end; i++) {
            prep.run();
            op.run();
        }
    }

    /** Most samples {@link #trimmedMeanMicros} takes. */
    static final int MAX_SAMPLES = 1 << 20;

    /** The mean of {@code t} without its slowest and fastest 5% (at least one of each from 5 values on). */
    static double trimmedMean(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        int k = s.length >= 5 ? Math.max(1, s.length / 20) : 0;
        double sum = 0;
        for (int i = k; i < s.length - k; i++) {
            sum += s[i];
        }
        return sum / (s.length - 2 * k);
    }

    /** Samples per op like the SEAL anchors (60/40/20/10 for logN 13/14/15/16; 100 below). */
    public static int defaultSamples(int logN) {
        return switch (logN) {
            case 13 -> 60;
            case 14 -> 40;
            case 15 -> 20;
            case 16 -> 10;
            default -> logN < 13 ? 100 : 10;
        };
    }
}
