package io.henas.search;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Objects;

/**
 * The production evaluator shape: first the cheap HE cost estimate, then - only if the cost satisfies the
 * constraints - the expensive proxy training. Infeasible candidates are therefore never trained. The integrator
 * adapts {@code CostModel.estimate} to {@link CostStage} and {@code Trainer.train} to {@link TrainStage}; a cluster
 * backend can keep the cost stage local and ship only the training.
 *
 * @param <T> type of the candidate value
 */
public final class StagedEvaluator<T> implements CandidateEvaluator<T> {

    /** Predicted HE cost of a candidate. */
    @FunctionalInterface
    public interface CostStage<T> {
        Cost cost(Candidate<T> candidate) throws Exception;
    }

    /** Proxy training of a candidate. */
    @FunctionalInterface
    public interface TrainStage<T> {
        Training train(Candidate<T> candidate) throws Exception;
    }

    /** Training of a candidate on rung {@code rung} (&gt;= 1) of a multi-fidelity search. */
    @FunctionalInterface
    public interface RungTrainStage<T> {
        Training train(Candidate<T> candidate, int rung) throws Exception;
    }

    /**
     * @param latencySeconds predicted encrypted latency
     * @param depth          multiplicative depth
     * @param logN           log2 ring degree
     * @param keyBytes       evaluation-key memory (relinearization + Galois keys), -1 = unknown
     * @param imagesPerRun   images one run classifies (1 single packing, N/2 batch packing; {@code latencySeconds}
     *                       is then the predicted latency of the whole batch)
     */
    public record Cost(double latencySeconds, int depth, int logN, long keyBytes, int imagesPerRun) {
        public Cost {
            if (!(latencySeconds >= 0) || depth < 0 || logN < 0 || keyBytes < -1 || imagesPerRun < 1) {
                throw new IllegalArgumentException("cost must be non-negative, but was latency=" + latencySeconds
                        + ", depth=" + depth + ", logN=" + logN + ", keyBytes=" + keyBytes + ", imagesPerRun="
                        + imagesPerRun);
            }
        }

        /** One image per run (single packing). */
        public Cost(double latencySeconds, int depth, int logN, long keyBytes) {
            this(latencySeconds, depth, logN, keyBytes, 1);
        }

        /** A successful evaluation with this cost, {@code accuracy} and {@code trainSeconds}. */
        public Evaluation ok(double accuracy, double trainSeconds) {
            return Evaluation.ok(accuracy, latencySeconds, depth, logN, trainSeconds).withKeyBytes(keyBytes)
                    .withImagesPerRun(imagesPerRun);
        }

        /** {@code e}'s cost: its latency, depth, ring, key memory and images per run. */
        public static Cost of(Evaluation e) {
            return new Cost(e.latencySeconds(), e.depth(), e.logN(), e.keyBytes(), e.imagesPerRun());
        }

        /** Without key memory (unknown). */
        public Cost(double latencySeconds, int depth, int logN) {
            this(latencySeconds, depth, logN, -1);
        }
    }

    /**
     * @param ok            whether training succeeded
     * @param accuracy      proxy accuracy in [0, 1] (NaN if not ok)
     * @param seconds       training wall time
     * @param failureReason why it failed ("" if ok)
     * @param cost          the cost of the plan selected for the trained weights (what an export of them ships),
     *                      or null when the training stage does not re-cost (the cost stage's cost stands)
     */
    public record Training(boolean ok, double accuracy, double seconds, String failureReason, Cost cost) {
        public Training(boolean ok, double accuracy, double seconds, String failureReason) {
            this(ok, accuracy, seconds, failureReason, null);
        }

        public Training {
            failureReason = failureReason == null ? "" : failureReason;
            if (ok && !(accuracy >= 0 && accuracy <= 1)) {
                throw new IllegalArgumentException("accuracy must be in [0, 1], but was " + accuracy);
            }
            if (!ok && failureReason.isBlank()) {
                throw new IllegalArgumentException("a failed training needs a reason");
            }
        }

        public static Training ok(double accuracy, double seconds) {
            return new Training(true, accuracy, seconds, "");
        }

        /** A success whose trained weights were re-costed ({@code cost}: the plan an export of them ships). */
        public static Training ok(double accuracy, double seconds, Cost cost) {
            return new Training(true, accuracy, seconds, "", Objects.requireNonNull(cost, "cost"));
        }

        public static Training failed(String reason, double seconds) {
            return new Training(false, Double.NaN, seconds, reason);
        }
    }

    private final CostStage<T> cost;
    private final TrainStage<T> train;
    private final Constraints constraints;
    private final int threadsPerEvaluation;
    private final Map<String, Object> provenance;
    private final RungTrainStage<T> rungs;

    /**
     * @param cost                 the cost stage (cheap; runs for every candidate)
     * @param train                the training stage (runs only for candidates within the constraints)
     * @param constraints          limits checked between the stages
     * @param threadsPerEvaluation threads one training keeps busy (sizes the default pool)
     * @param provenance           manifest entries (dataset, budget ...)
     */
    public StagedEvaluator(CostStage<T> cost, TrainStage<T> train, Constraints constraints, int threadsPerEvaluation,
            Map<String, Object> provenance) {
        this(cost, train, null, constraints, threadsPerEvaluation, provenance);
    }

    /**
     * As above, with {@code rungs} training on the rungs above 0 of a multi-fidelity search (null: rung 0 only).
     */
    public StagedEvaluator(CostStage<T> cost, TrainStage<T> train, RungTrainStage<T> rungs, Constraints constraints,
            int threadsPerEvaluation, Map<String, Object> provenance) {
        this.rungs = rungs;
        this.cost = Objects.requireNonNull(cost, "cost");
        this.train = Objects.requireNonNull(train, "train");
        this.constraints = Objects.requireNonNull(constraints, "constraints");
        if (threadsPerEvaluation < 1) {
            throw new IllegalArgumentException("threadsPerEvaluation must be >= 1, but was " + threadsPerEvaluation);
        }
        this.threadsPerEvaluation = threadsPerEvaluation;
        this.provenance = Map.copyOf(provenance);
    }

    @Override
    public Evaluation evaluate(Candidate<T> candidate) throws Exception {
        Cost c;
        try {
            c = cost.cost(candidate);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return Evaluation.failed("cost: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        Evaluation costOnly = new Evaluation(Evaluation.Status.INFEASIBLE, Double.NaN, c.latencySeconds(), c.depth(),
                c.logN(), Double.NaN, "unchecked", c.keyBytes(), c.imagesPerRun());
        if (constraints.violation(costOnly) > 0) {
            return costOnly.withStatus(Evaluation.Status.INFEASIBLE, constraints.describeViolation(costOnly)
                    + " (not trained)");
        }
        Training t;
        try {
            t = train.train(candidate);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            t = Training.failed("training: " + e.getClass().getSimpleName() + ": " + e.getMessage(), Double.NaN);
        }
        if (!t.ok()) {
            return new Evaluation(Evaluation.Status.FAILED, Double.NaN, c.latencySeconds(), c.depth(), c.logN(),
                    t.seconds(), t.failureReason(), c.keyBytes(), c.imagesPerRun());
        }
        // ranked by the plan of the trained weights when the training stage re-costed them (constraints stay a
        // pre-training filter on the defaults' cost)
        return (t.cost() != null ? t.cost() : c).ok(t.accuracy(), t.seconds());
    }

    /**
     * Rung 0: {@link #evaluate(Candidate)}. Higher rungs: training only; the result carries the cost of the re-costed
     * trained weights when the training stage re-costs, else a placeholder (latency 0, logN -1: the search keeps the
     * rung-0 cost, see {@link Rungs#onRung}).
     */
    @Override
    public Evaluation evaluate(Candidate<T> candidate, int rung) throws Exception {
        if (rung == 0) {
            return evaluate(candidate);
        }
        if (rungs == null) {
            throw new UnsupportedOperationException("this evaluator has no rung " + rung);
        }
        Training t;
        try {
            t = rungs.train(candidate, rung);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            t = Training.failed("training: " + e.getClass().getSimpleName() + ": " + e.getMessage(), Double.NaN);
        }
        if (t.ok() && t.cost() != null) {
            return t.cost().ok(t.accuracy(), t.seconds());
        }
        return t.ok() ? Evaluation.ok(t.accuracy(), 0.0, -1, -1, t.seconds())
                : new Evaluation(Evaluation.Status.FAILED, Double.NaN, Double.NaN, -1, -1, t.seconds(),
                t.failureReason());
    }

    @Override
    public int threadsPerEvaluation() {
        return threadsPerEvaluation;
    }

    @Override
    public Map<String, Object> provenance() {
        return provenance;
    }

    /**
     * A training seed for one candidate that depends only on the run seed and the candidate's key (first 8 bytes of
     * SHA-256 of both), so training draws no randomness from the search and a re-run (resume, another worker) trains
     * the same way.
     */
    public static long seedFor(long runSeed, String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] h = md.digest((runSeed + "/" + key).getBytes(StandardCharsets.UTF_8));
            long s = 0;
            for (int i = 0; i < 8; i++) {
                s = (s << 8) | (h[i] & 0xff);
            }
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
