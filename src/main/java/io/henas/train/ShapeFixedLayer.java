package io.henas.train;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What henas' custom DL4J layer configurations ({@link Poly2Layer}, {@link DepthwiseLayer}) share: their shape is fixed
 * at construction from the IR (no {@code nIn} inference, no preprocessor, no pretraining parameters), the runtime layer
 * is built and given its parameter views the same way, and the memory report counts {@link #parameterCount()}
 * parameters (and as many gradients). Subclasses hold their settings as shaded-Jackson {@code @JsonProperty} fields
 * so that DL4J's JSON configuration round-trips them; this class adds no field.
 */
abstract class ShapeFixedLayer extends BaseLayer {
    private static final long serialVersionUID = 1L;

    /** The runtime layer for this configuration. */
    abstract org.deeplearning4j.nn.layers.BaseLayer<?> runtimeLayer(NeuralNetConfiguration conf, DataType dataType);

    /** Number of trainable parameters. */
    abstract long parameterCount();

    @Override
    public final org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                             Collection<TrainingListener> listeners, int layerIndex,
                                                             INDArray layerParamsView, boolean initializeParams,
                                                             DataType networkDataType) {
        org.deeplearning4j.nn.layers.BaseLayer<?> layer = runtimeLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> table = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public final void setNIn(InputType inputType, boolean override) {
        // fixed at construction from the IR
    }

    @Override
    public final InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public final boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public final LayerMemoryReport getMemoryReport(InputType inputType) {
        long n = parameterCount();
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, getOutputType(0, inputType))
                .standardMemory(n, 2 * n).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
