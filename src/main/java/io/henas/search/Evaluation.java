package io.henas.search;

import java.util.Objects;

/**
 * The measured objectives of one candidate. Unknown numbers are {@code NaN} (doubles) or {@code -1} (ints), e.g. the
 * accuracy of a candidate whose cost already violated a constraint and was therefore not trained.
 *
 * @param status         outcome
 * @param accuracy       proxy accuracy in [0, 1]
 * @param latencySeconds predicted encrypted latency in seconds (&gt;= 0)
 * @param depth          multiplicative depth
 * @param logN           log2 of the ring degree the HE plan needs
 * @param trainSeconds   wall time of the proxy training
 * @param failureReason  why it failed or is infeasible ("" when OK)
 * @param keyBytes       evaluation-key memory the plan needs (relinearization + Galois keys, each at the levels it is
 *                       used), -1 = unknown
 * @param imagesPerRun   images one run of the plan classifies: 1 with single packing, N/2 with batch packing (then
 *                       {@code latencySeconds} is the latency of the whole batch); 1 in trials of older runs
 */
public record Evaluation(Status status, double accuracy, double latencySeconds, int depth, int logN,
        double trainSeconds, String failureReason, long keyBytes, int imagesPerRun) {

    /** One image per run (single packing). */
    public Evaluation(Status status, double accuracy, double latencySeconds, int depth, int logN, double trainSeconds,
            String failureReason, long keyBytes) {
        this(status, accuracy, latencySeconds, depth, logN, trainSeconds, failureReason, keyBytes, 1);
    }

    /** Without key memory (unknown). */
    public Evaluation(Status status, double accuracy, double latencySeconds, int depth, int logN, double trainSeconds,
            String failureReason) {
        this(status, accuracy, latencySeconds, depth, logN, trainSeconds, failureReason, -1);
    }

    /** Outcome of an evaluation. */
    public enum Status {
        /** Trained and costed; feasible. */
        OK,
        /** Violates a constraint (max logN, max latency, max depth); ranked after every feasible candidate. */
        INFEASIBLE,
        /** Training or costing failed; ranked last. */
        FAILED
    }

    public Evaluation {
        Objects.requireNonNull(status, "status");
        failureReason = failureReason == null ? "" : failureReason;
        if (!Double.isNaN(accuracy) && (accuracy < 0 || accuracy > 1)) {
            throw new IllegalArgumentException("accuracy must be in [0, 1], but was " + accuracy);
        }
        if (!Double.isNaN(latencySeconds) && latencySeconds < 0) {
            throw new IllegalArgumentException("latencySeconds must be >= 0, but was " + latencySeconds);
        }
        if (imagesPerRun < 1) {
            throw new IllegalArgumentException("imagesPerRun must be >= 1, but was " + imagesPerRun);
        }
        if (keyBytes < -1) {
            throw new IllegalArgumentException("keyBytes must be >= 0 (or -1 = unknown), but was " + keyBytes);
        }
        if (depth < -1 || logN < -1) {
            throw new IllegalArgumentException("depth and logN must be >= 0 (or -1 = unknown), but were depth="
                    + depth + ", logN=" + logN);
        }
        if (status == Status.OK && !(Double.isFinite(accuracy) && Double.isFinite(latencySeconds))) {
            throw new IllegalArgumentException("an OK evaluation needs accuracy and latency, but was accuracy="
                    + accuracy + ", latency=" + latencySeconds);
        }
        if (status != Status.OK && failureReason.isBlank()) {
            throw new IllegalArgumentException("a " + status + " evaluation needs a failure reason");
        }
    }

    /** A successful evaluation. */
    public static Evaluation ok(double accuracy, double latencySeconds, int depth, int logN, double trainSeconds) {
        return new Evaluation(Status.OK, accuracy, latencySeconds, depth, logN, trainSeconds, "");
    }

    /** A failed evaluation with nothing measured. */
    public static Evaluation failed(String reason) {
        return new Evaluation(Status.FAILED, Double.NaN, Double.NaN, -1, -1, Double.NaN, reason);
    }

    /** The same measurements with another status and reason. */
    public Evaluation withStatus(Status newStatus, String reason) {
        return new Evaluation(newStatus, accuracy, latencySeconds, depth, logN, trainSeconds, reason, keyBytes,
                imagesPerRun);
    }

    /** The same evaluation with the plan's key memory. */
    public Evaluation withKeyBytes(long bytes) {
        return new Evaluation(status, accuracy, latencySeconds, depth, logN, trainSeconds, failureReason, bytes,
                imagesPerRun);
    }

    /** The same evaluation with {@code n} images per run of the plan. */
    public Evaluation withImagesPerRun(int n) {
        return new Evaluation(status, accuracy, latencySeconds, depth, logN, trainSeconds, failureReason, keyBytes, n);
    }

    /** Predicted amortized seconds per image: the latency of one run over the images it classifies (NaN unknown). */
    public double secondsPerImage() {
        return latencySeconds / imagesPerRun;
    }

    /** Predicted amortized throughput: images per run over the latency of one run (NaN unknown). */
    public double imagesPerSecond() {
        return imagesPerRun / latencySeconds;
    }

    /** OK and therefore eligible for the Pareto front. */
    public boolean feasible() {
        return status == Status.OK;
    }
}
