package io.henas.search;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Costs every candidate here, then hands only the feasible ones to another backend for training (a cluster): the
 * latency objective then always comes from this machine's calibration, whichever machine trains. Candidates that
 * break a constraint are reported INFEASIBLE without training; a cost failure is a FAILED trial. The training
 * backend's evaluations carry accuracy and training time; their latency, depth and logN are replaced by the cost.
 *
 * @param <T> candidate value type
 */
public final class CostFirstBackend<T> implements EvaluationBackend<T> {
    private final StagedEvaluator.CostStage<T> cost;
    private final Constraints constraints;
    private final EvaluationBackend<T> training;

    public CostFirstBackend(StagedEvaluator.CostStage<T> cost, Constraints constraints, EvaluationBackend<T> training) {
        this.cost = Objects.requireNonNull(cost, "cost");
        this.constraints = Objects.requireNonNull(constraints, "constraints");
        this.training = Objects.requireNonNull(training, "training");
    }

    @Override
    public void evaluateAll(List<Candidate<T>> batch, Consumer<Outcome<T>> onResult) throws InterruptedException {
        Map<String, StagedEvaluator.Cost> costs = new HashMap<>();
        List<Candidate<T>> feasible = new ArrayList<>();
        for (Candidate<T> c : batch) {
            Instant t0 = Instant.now();
            StagedEvaluator.Cost k;
            try {
                k = cost.cost(c);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                onResult.accept(new Outcome<>(c, Evaluation.failed("cost: " + e.getClass().getSimpleName() + ": "
                        + e.getMessage()), t0, Instant.now()));
                continue;
            }
            Evaluation costOnly = new Evaluation(Evaluation.Status.INFEASIBLE, Double.NaN, k.latencySeconds(),
                    k.depth(), k.logN(), Double.NaN, "unchecked", k.keyBytes(), k.imagesPerRun());
            if (constraints.violation(costOnly) > 0) {
                onResult.accept(new Outcome<>(c, costOnly.withStatus(Evaluation.Status.INFEASIBLE,
                        constraints.describeViolation(costOnly) + " (not trained)"), t0, Instant.now()));
            } else {
                costs.put(c.key(), k);
                feasible.add(c);
            }
        }
        if (feasible.isEmpty()) {
            return;
        }
        training.evaluateAll(feasible, o -> {
            StagedEvaluator.Cost k = costs.get(o.candidate().key());
            Evaluation t = o.evaluation();
            Evaluation merged = t.status() == Evaluation.Status.OK
                    ? k.ok(t.accuracy(), t.trainSeconds())
                    : new Evaluation(t.status(), t.accuracy(), k.latencySeconds(), k.depth(), k.logN(),
                    t.trainSeconds(), t.failureReason(), k.keyBytes(), k.imagesPerRun());
            onResult.accept(new Outcome<>(o.candidate(), merged, o.started(), o.finished()));
        });
    }

    /** Rungs above 0 only train (the cost is the rung-0 one): they go straight to the training backend. */
    @Override
    public void evaluateAll(List<Candidate<T>> batch, int rung, Consumer<Outcome<T>> onResult)
            throws InterruptedException {
        if (rung == 0) {
            evaluateAll(batch, onResult);
        } else {
            training.evaluateAll(batch, rung, onResult);
        }
    }

    @Override
    public int parallelism() {
        return training.parallelism();
    }

    @Override
    public void close() {
        training.close();
    }

    /**
     * A training-only evaluator for the remote side: proxy accuracy and training time, latency 0 as a placeholder that
     * {@link CostFirstBackend} replaces with the locally predicted latency.
     */
    public static <T> CandidateEvaluator<T> trainingOnly(StagedEvaluator.TrainStage<T> train, int threads,
                                                         Map<String, Object> provenance) {
        return trainingOnly(train, null, threads, provenance);
    }

    /**
     * As {@link #trainingOnly(StagedEvaluator.TrainStage, int, Map)}, also training on the rungs above 0 of a
     * multi-fidelity search with {@code rungs} (null: rung 0 only).
     */
    public static <T> CandidateEvaluator<T> trainingOnly(StagedEvaluator.TrainStage<T> train,
                                                         StagedEvaluator.RungTrainStage<T> rungs, int threads,
                                                         Map<String, Object> provenance) {
        return new CandidateEvaluator<>() {
            @Override
            public Evaluation evaluate(Candidate<T> c) throws Exception {
                return evaluate(c, 0);
            }

            @Override
            public Evaluation evaluate(Candidate<T> c, int rung) throws Exception {
                if (rung != 0 && rungs == null) {
                    throw new UnsupportedOperationException("this worker's evaluator has no rung " + rung);
                }
                StagedEvaluator.Training t;
                try {
                    t = rung == 0 ? train.train(c) : rungs.train(c, rung);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    t = StagedEvaluator.Training.failed("training: " + e.getClass().getSimpleName() + ": "
                            + e.getMessage(), Double.NaN);
                }
                return t.ok() ? Evaluation.ok(t.accuracy(), 0.0, -1, -1, t.seconds())
                        : new Evaluation(Evaluation.Status.FAILED, Double.NaN, Double.NaN, -1, -1, t.seconds(),
                        t.failureReason());
            }

            @Override
            public int threadsPerEvaluation() {
                return threads;
            }

            @Override
            public Map<String, Object> provenance() {
                return provenance;
            }
        };
    }
}
