package io.henas.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Parameter layout of {@link Poly2Layer}: {@code a}, {@code b}, {@code c}, each {@code [1, C]}, in that order. */
final class Poly2ParamInitializer implements ParamInitializer {
    static final Poly2ParamInitializer INSTANCE = new Poly2ParamInitializer();

    private Poly2ParamInitializer() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return 3L * ((Poly2Layer) layer).channels();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(Poly2Layer.A, Poly2Layer.B, Poly2Layer.C);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(Poly2Layer.A, Poly2Layer.B);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(Poly2Layer.C);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return Poly2Layer.A.equals(key) || Poly2Layer.B.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return Poly2Layer.C.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Poly2Layer l = (Poly2Layer) conf.getLayer();
        Map<String, INDArray> m = views(l.channels(), paramsView);
        if (initializeParams) {
            m.get(Poly2Layer.A).assign(l.initA());
            m.get(Poly2Layer.B).assign(1.0);
            m.get(Poly2Layer.C).assign(0.0);
        }
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(((Poly2Layer) conf.getLayer()).channels(), gradientView);
    }

    private static Map<String, INDArray> views(int c, INDArray flat) {
        if (flat.length() != 3L * c) {
            throw new IllegalArgumentException("poly2 parameters must have 3*C = " + 3L * c + " values, but had "
                    + flat.length());
        }
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(Poly2Layer.A, slice(flat, 0, c));
        m.put(Poly2Layer.B, slice(flat, c, c));
        m.put(Poly2Layer.C, slice(flat, 2L * c, c));
        return m;
    }

    /** A {@code [1, len]} view of {@code flat[from, from + len)} ({@code flat} is {@code [n]} or {@code [1, n]}). */
    private static INDArray slice(INDArray flat, long from, long len) {
        INDArray v = flat.rank() == 1 ? flat.get(NDArrayIndex.interval(from, from + len))
                : flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + len));
        return v.reshape('c', 1, len);
    }
}
