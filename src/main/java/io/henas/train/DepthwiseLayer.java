package io.henas.train;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of a depthwise k x k convolution (multiplier 1) with "same" padding {@code (k-1)/2} and output size
 * {@code ceil(n / stride)}, on NCHW maps. Parameters: {@code W} {@code [C, 1, k, k]} (the {@code ir.NetWeights}
 * layout) and {@code b} {@code [1, C]}. The runtime layer is {@link Depthwise}.
 *
 * <p>Why not DL4J's {@code DepthwiseConvolution2D}: in 1.0.0-M2.1 it trained at about 9 ms of CPU per image for a
 * 64-channel 14x14 map (about 60 times slower than a full 3x3 convolution with the same output), which made
 * mobile-style candidates too slow for the proxy budget. This layer computes the k^2 taps as strided views and
 * broadcast multiply-adds.
 */
public final class DepthwiseLayer extends ShapeFixedLayer {
    private static final long serialVersionUID = 1L;
    public static final String W = "W";
    public static final String B = "b";

    @JsonProperty("channels")
    private int channels;
    @JsonProperty("kernel")
    private int kernel;
    @JsonProperty("stride")
    private int stride;
    @JsonProperty("height")
    private int height;
    @JsonProperty("width")
    private int width;

    /** For DL4J's JSON deserialisation. */
    public DepthwiseLayer() {
    }

    /** A depthwise convolution over {@code channels x height x width} maps. */
    public DepthwiseLayer(int channels, int kernel, int stride, int height, int width) {
        if (channels < 1 || kernel < 1 || kernel % 2 == 0 || stride < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("depthwise needs channels, stride, height, width >= 1 and an odd"
                    + " kernel, but was channels=" + channels + ", kernel=" + kernel + ", stride=" + stride + ", map="
                    + height + "x" + width);
        }
        this.channels = channels;
        this.kernel = kernel;
        this.stride = stride;
        this.height = height;
        this.width = width;
    }

    public int channels() {
        return channels;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int outHeight() {
        return (height + stride - 1) / stride;
    }

    public int outWidth() {
        return (width + stride - 1) / stride;
    }

    @Override
    org.deeplearning4j.nn.layers.BaseLayer<?> runtimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Depthwise(conf, dataType);
    }

    @Override
    long parameterCount() {
        return (long) channels * kernel * kernel + channels;
    }

    @Override
    public ParamInitializer initializer() {
        return DepthwiseParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.convolutional(outHeight(), outWidth(), channels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DepthwiseLayer d && super.equals(o) && d.channels == channels && d.kernel == kernel
                && d.stride == stride && d.height == height && d.width == width;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + channels * 961 + kernel * 31 + stride;
    }
}
