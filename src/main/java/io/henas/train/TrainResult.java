package io.henas.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.graph.ComputationGraph;

import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;

/**
 * The outcome of {@link Trainer#train}. A FAILED result carries its reason (e.g. {@code loss became NaN at epoch 2,
 * iteration 37}) and whatever was measured before the failure; accuracies are NaN when not measured, and
 * {@code graph}, {@code weights} and {@code folded} are null when training did not complete.
 *
 * @param status            OK or FAILED
 * @param failureReason     why it failed ("" when OK)
 * @param architecture      the architecture's name
 * @param net               the lowered network that {@code weights} are keyed on
 * @param config            the configuration used
 * @param trainData         name of the training data actually used (after subsetting)
 * @param evalData          name of the evaluation data actually used
 * @param trainImages       training images per epoch
 * @param evalImages        evaluation images
 * @param parameters        trainable parameters (IR count)
 * @param trainAccuracy     accuracy on {@code config.trainAccuracyImages} training images after training
 * @param evalAccuracy      accuracy on the evaluation images after training
 * @param epochLoss         mean training loss of each epoch
 * @param lossCurve         mean training loss over each window of {@code lossCurveEvery} iterations
 * @param lossCurveEvery    iterations per {@code lossCurve} point
 * @param epochEvalAccuracy evaluation accuracy after each epoch (empty unless {@code config.evalEachEpoch})
 * @param seconds           wall time of the whole call
 * @param trainSeconds      wall time of the training steps only
 * @param imagesPerSecond   training images processed per second of {@code trainSeconds}
 * @param graph             the trained DL4J network (for saving), or null
 * @param weights           its weights keyed as {@code ir.NetWeights}, or null
 * @param folded            the export-ready folded network, or null
 */
public record TrainResult(Status status, String failureReason, String architecture, LoweredNet net, TrainConfig config,
                          String trainData, String evalData, int trainImages, int evalImages, long parameters,
                          double trainAccuracy, double evalAccuracy, List<Double> epochLoss, List<Double> lossCurve,
                          int lossCurveEvery, List<Double> epochEvalAccuracy, double seconds, double trainSeconds,
                          double imagesPerSecond, ComputationGraph graph, NetWeights weights, FoldedNet folded) implements AutoCloseable {

    /** Whether training completed. */
    public enum Status { OK, FAILED }

    public TrainResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failureReason, "failureReason");
        epochLoss = List.copyOf(epochLoss);
        lossCurve = List.copyOf(lossCurve);
        epochEvalAccuracy = List.copyOf(epochEvalAccuracy);
        if (status == Status.FAILED && failureReason.isEmpty()) {
            throw new IllegalArgumentException("a FAILED result needs a reason");
        }
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** The metrics (everything but the network and weights) as a JSON-ready map; NaN is written as null. */
    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.name());
        m.put("failure_reason", failureReason);
        m.put("architecture", architecture);
        m.put("parameters", parameters);
        m.put("train_data", trainData);
        m.put("eval_data", evalData);
        m.put("train_images", trainImages);
        m.put("eval_images", evalImages);
        m.put("train_accuracy", trainAccuracy);
        m.put("test_accuracy", evalAccuracy);
        m.put("epoch_loss", epochLoss);
        m.put("loss_curve", lossCurve);
        m.put("loss_curve_every", lossCurveEvery);
        m.put("epoch_test_accuracy", epochEvalAccuracy);
        m.put("seconds", seconds);
        m.put("train_seconds", trainSeconds);
        m.put("images_per_second", imagesPerSecond);
        m.put("config", config.toMap());
        if (folded != null) {
            m.put("he_remaining", folded.remaining());
        }
        return m;
    }

    /**
     * Releases the DL4J network's native memory (parameters, gradients, updater state); {@link #weights()} and
     * {@link #folded()} stay valid. DL4J frees native buffers only when the garbage collector finds their owners, which
     * a search that trains hundreds of networks in one JVM cannot wait for.
     */
    @Override
    public void close() {
        if (graph != null) {
            graph.close();
        }
    }
}
