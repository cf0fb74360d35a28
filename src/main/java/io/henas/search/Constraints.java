package io.henas.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Hard limits from the space's {@code search.constraints}. A candidate that violates one is
 * {@link Evaluation.Status#INFEASIBLE}: it never enters the Pareto front and ranks after every feasible candidate
 * (by total relative violation among infeasible ones; see {@link Fitness}).
 *
 * @param maxLogN           largest allowed log2 ring degree ({@link Integer#MAX_VALUE} = none)
 * @param maxLatencySeconds largest allowed predicted latency ({@code +Infinity} = none)
 * @param maxDepth          largest allowed multiplicative depth ({@link Integer#MAX_VALUE} = none)
 * @param maxKeyBytes       largest allowed evaluation-key memory in bytes ({@link Long#MAX_VALUE} = none)
 */
public record Constraints(int maxLogN, double maxLatencySeconds, int maxDepth, long maxKeyBytes) {
    /** No limits. */
    public static final Constraints NONE = new Constraints(Integer.MAX_VALUE, Double.POSITIVE_INFINITY,
            Integer.MAX_VALUE, Long.MAX_VALUE);

    public Constraints {
        if (maxLogN < 1 || maxDepth < 1 || !(maxLatencySeconds > 0) || maxKeyBytes < 1) {
            throw new IllegalArgumentException("constraints must be positive, but were max_logn=" + maxLogN
                    + ", max_latency_s=" + maxLatencySeconds + ", max_depth=" + maxDepth + ", max_key_bytes="
                    + maxKeyBytes);
        }
    }

    /** No key-memory limit. */
    public Constraints(int maxLogN, double maxLatencySeconds, int maxDepth) {
        this(maxLogN, maxLatencySeconds, maxDepth, Long.MAX_VALUE);
    }

    /**
     * Total relative violation of the known measurements: {@code sum(max(0, (value - limit) / limit))}; 0 when
     * feasible (unknown values, NaN or -1, do not count).
     */
    public double violation(Evaluation e) {
        double v = 0;
        if (e.logN() >= 0 && e.logN() > maxLogN) {
            v += (e.logN() - (double) maxLogN) / maxLogN;
        }
        if (!Double.isNaN(e.latencySeconds()) && e.latencySeconds() > maxLatencySeconds) {
            v += (e.latencySeconds() - maxLatencySeconds) / maxLatencySeconds;
        }
        if (e.depth() >= 0 && e.depth() > maxDepth) {
            v += (e.depth() - (double) maxDepth) / maxDepth;
        }
        if (e.keyBytes() >= 0 && e.keyBytes() > maxKeyBytes) {
            v += (e.keyBytes() - (double) maxKeyBytes) / maxKeyBytes;
        }
        return v;
    }

    /** What is violated, e.g. {@code "latency 3.2 s must be <= max_latency_s 2.0"}; "" when nothing is. */
    public String describeViolation(Evaluation e) {
        List<String> parts = new ArrayList<>();
        if (e.logN() >= 0 && e.logN() > maxLogN) {
            parts.add("logN " + e.logN() + " must be <= max_logn " + maxLogN);
        }
        if (!Double.isNaN(e.latencySeconds()) && e.latencySeconds() > maxLatencySeconds) {
            parts.add(String.format(java.util.Locale.ROOT, "latency %.4g s must be <= max_latency_s %.4g",
                    e.latencySeconds(), maxLatencySeconds));
        }
        if (e.depth() >= 0 && e.depth() > maxDepth) {
            parts.add("depth " + e.depth() + " must be <= max_depth " + maxDepth);
        }
        if (e.keyBytes() >= 0 && e.keyBytes() > maxKeyBytes) {
            parts.add("key memory " + e.keyBytes() + " bytes must be <= max_key_bytes " + maxKeyBytes);
        }
        return String.join("; ", parts);
    }

    /** {@code e}, turned INFEASIBLE with a reason if it is OK but violates a limit. */
    public Evaluation apply(Evaluation e) {
        if (e.status() != Evaluation.Status.OK || violation(e) == 0) {
            return e;
        }
        return e.withStatus(Evaluation.Status.INFEASIBLE, describeViolation(e));
    }
}
