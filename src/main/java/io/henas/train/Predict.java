package io.henas.train;

import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.henas.data.Dataset;
import io.henas.ir.LoweredNet;

/** Inference helpers for graphs built by {@link GraphBuilder}: batches, logits and accuracy. */
public final class Predict {
    private Predict() {
    }

    /** The images {@code idx} of {@code d} as an NCHW batch of the given data type. */
    public static INDArray batch(Dataset d, int[] idx, DataType type) {
        INDArray a = floatBatch(d, d.pixels(idx), idx.length);
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    /** {@code n} images of {@code d}'s shape stored one after another in {@code px}, as a float NCHW batch. */
    static INDArray floatBatch(Dataset d, float[] px, int n) {
        return Nd4j.create(px, new long[]{n, d.channels(), d.rows(), d.cols()}, 'c');
    }

    /** Pre-softmax logits {@code [N][classes]} of the batch (inference mode: batch-norm uses running statistics). */
    public static double[][] logits(LoweredNet net, ComputationGraph graph, INDArray input) {
        Map<String, INDArray> acts = graph.feedForward(new INDArray[]{input}, false, false);
        INDArray z = acts.get(GraphBuilder.vertexName(net.outputNode()));
        long n = input.size(0);
        return z.reshape(n, z.length() / n).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /**
     * Logits computed by a double-precision copy of {@code graph} (same weights, no float32 rounding): the DL4J side
     * of an exact comparison with {@code ir.PlainForward}.
     */
    public static double[][] logitsInDouble(LoweredNet net, ComputationGraph graph, Dataset d, int[] idx) {
        ComputationGraph g = graph.convertDataType(DataType.DOUBLE);
        return logits(net, g, batch(d, idx, DataType.DOUBLE));
    }

    /** Fraction of {@code d} classified correctly, evaluated in batches of {@code batchSize}. */
    public static double accuracy(ComputationGraph graph, Dataset d, int batchSize) {
        if (d.size() == 0) {
            return Double.NaN;
        }
        DataType type = graph.params().dataType();
        int correct = 0;
        for (int from = 0; from < d.size(); from += batchSize) {
            int m = Math.min(batchSize, d.size() - from);
            int[] idx = new int[m];
            for (int j = 0; j < m; j++) {
                idx[j] = from + j;
            }
            INDArray out = graph.outputSingle(false, batch(d, idx, type));
            long[] pred = out.argMax(1).toLongVector();
            for (int j = 0; j < m; j++) {
                if (pred[j] == d.label(from + j)) {
                    correct++;
                }
            }
        }
        return correct / (double) d.size();
    }
}
