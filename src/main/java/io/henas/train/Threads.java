package io.henas.train;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Thread budget of the native back-end. Training drives ND4J from one Java thread; ND4J's OpenMP pool and OpenBLAS
 * then use {@code n} threads each (they do not run at the same time), so the process uses {@code n} cores without
 * oversubscription. The default {@code n} is {@code Runtime.availableProcessors()}, overridable with the
 * {@code henas.threads} system property. For the OpenMP pool to be sized before it starts, the launcher should also
 * export {@code OMP_NUM_THREADS=n} (ND4J reads it at load time); this class sets the same limit at run time.
 *
 * <p><b>Export {@code OMP_WAIT_POLICY=passive}</b> before the JVM starts (launcher, surefire, scripts): by default
 * idle OpenMP workers spin, and on a shared or oversubscribed machine that made DL4J training 10 to 25 times slower
 * (measured here at load average 10: a conv + x^2 + dense net trained at 159 images/s with the default policy and
 * 4,169 images/s with {@code passive}; the he-friendly benchmark net at 55 vs 671 images/s). On an idle machine
 * the difference is small. The policy is read once when the native library loads, so it cannot be set from Java.
 */
public final class Threads {
    private static int configured;

    private Threads() {
    }

    /** System property overriding {@link #defaultCount()}. */
    public static final String PROPERTY = "henas.threads";

    /** The thread count used when none is given. */
    public static int defaultCount() {
        return Integer.getInteger(PROPERTY, Runtime.getRuntime().availableProcessors());
    }

    /** Limits ND4J (OpenMP) and OpenBLAS to {@code n} threads; idempotent. */
    public static synchronized void configure(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, but was " + n);
        }
        if (configured == n) {
            return;
        }
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        configured = n;
    }
}
