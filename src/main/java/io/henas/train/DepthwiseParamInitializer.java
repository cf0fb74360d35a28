package io.henas.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameter layout of {@link DepthwiseLayer}: {@code W} ({@code C*k*k} values, viewed as {@code [C, 1, k, k]}), then
 * {@code b} ({@code [1, C]}). Weights use the layer's weight init (Xavier by default) with fan-in = fan-out = k^2;
 * biases start at 0.
 */
final class DepthwiseParamInitializer implements ParamInitializer {
    static final DepthwiseParamInitializer INSTANCE = new DepthwiseParamInitializer();

    private DepthwiseParamInitializer() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        DepthwiseLayer d = (DepthwiseLayer) layer;
        return (long) d.channels() * d.kernel() * d.kernel() + d.channels();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(DepthwiseLayer.W, DepthwiseLayer.B);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(DepthwiseLayer.W);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(DepthwiseLayer.B);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return DepthwiseLayer.W.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return DepthwiseLayer.B.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        DepthwiseLayer d = (DepthwiseLayer) conf.getLayer();
        Map<String, INDArray> m = views(d, paramsView);
        if (initializeParams) {
            IWeightInit init = d.getWeightInitFn() != null ? d.getWeightInitFn() : new WeightInitXavier();
            double fan = (double) d.kernel() * d.kernel();
            INDArray w = m.get(DepthwiseLayer.W);
            init.init(fan, fan, w.shape(), 'c', w);
            m.get(DepthwiseLayer.B).assign(0.0);
        }
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((DepthwiseLayer) conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(DepthwiseLayer d, INDArray flat) {
        long c = d.channels();
        long k = d.kernel();
        long nw = c * k * k;
        if (flat.length() != nw + c) {
            throw new IllegalArgumentException("depthwise parameters must have C*k*k + C = " + (nw + c)
                    + " values, but had " + flat.length());
        }
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(DepthwiseLayer.W, slice(flat, 0, nw).reshape('c', c, 1, k, k));
        m.put(DepthwiseLayer.B, slice(flat, nw, c).reshape('c', 1, c));
        return m;
    }

    private static INDArray slice(INDArray flat, long from, long len) {
        return flat.rank() == 1 ? flat.get(NDArrayIndex.interval(from, from + len))
                : flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + len));
    }
}
