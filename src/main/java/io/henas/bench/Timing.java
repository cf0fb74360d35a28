package io.henas.bench;

import java.util.Arrays;

/** Wall-clock medians with a JIT warm-up. */
public final class Timing {
    private Timing() {
    }

    /**
     * Runs {@code op} until both {@code minWarmupRuns} runs and {@code warmupMillis} have passed, then times
     * {@code samples} runs and returns the median in microseconds.
     */
    public static double medianMicros(Runnable op, int minWarmupRuns, long warmupMillis, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, but was " + samples);
        }
        long end = System.nanoTime() + warmupMillis * 1_000_000L;
        for (int i = 0; i < minWarmupRuns || System.nanoTime() < end; i++) {
            op.run();
        }
        double[] t = new double[samples];
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            op.run();
            t[i] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(t);
        return samples % 2 == 1 ? t[samples / 2] : (t[samples / 2 - 1] + t[samples / 2]) / 2;
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
