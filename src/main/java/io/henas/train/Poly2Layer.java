package io.henas.train;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of the learnable activation {@code a*x^2 + b*x + c} with one {@code (a, b, c)} per channel. Works on
 * convolutional ({@code [N, C, H, W]}, NCHW) and feed-forward ({@code [N, C]}) activations; parameters {@code a},
 * {@code b} (weights) and {@code c} (bias) have shape {@code [1, C]}. The runtime layer is {@link Poly2}, with a
 * hand-written backward pass checked by a DL4J gradient check.
 *
 * <p>Why not a SameDiff layer: in DL4J 1.0.0-M2.1 every {@code SameDiffLayer} we tried, even {@code y = a*x + c},
 * returns exactly twice the true gradients for its parameters and its input (gradient check: relative error 0.6 =
 * a factor of 2 per SameDiff layer, measured here with GradientCheckUtil). A native layer is also faster.
 *
 * <p>Initialised near the identity ({@code a = initA} small, {@code b = 1}, {@code c = 0}): STACK.md measured that a
 * plain x^2 stack collapses or explodes beyond two layers, while {@code a*x^2 + x} with small {@code a} trains
 * stably. Fields carry shaded-Jackson {@code @JsonProperty} so DL4J's JSON configuration round-trips them.
 */
public final class Poly2Layer extends ShapeFixedLayer {
    private static final long serialVersionUID = 1L;
    /** Parameter names, also the keys in {@code ir.NetWeights}. */
    public static final String A = "a";
    public static final String B = "b";
    public static final String C = "c";

    @JsonProperty("channels")
    private int channels;
    @JsonProperty("convolutional")
    private boolean convolutional;
    @JsonProperty("initA")
    private double initA;

    /** For DL4J's JSON deserialisation. */
    public Poly2Layer() {
    }

    /**
     * @param channels      number of channels C
     * @param convolutional true for NCHW input, false for feed-forward {@code [N, C]}
     * @param initA         initial value of every {@code a}
     */
    public Poly2Layer(int channels, boolean convolutional, double initA) {
        if (channels < 1) {
            throw new IllegalArgumentException("poly2 channels must be >= 1, but was " + channels);
        }
        this.channels = channels;
        this.convolutional = convolutional;
        this.initA = initA;
    }

    public int channels() {
        return channels;
    }

    public boolean convolutional() {
        return convolutional;
    }

    public double initA() {
        return initA;
    }

    @Override
    org.deeplearning4j.nn.layers.BaseLayer<?> runtimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Poly2(conf, dataType);
    }

    @Override
    long parameterCount() {
        return 3L * channels;
    }

    @Override
    public ParamInitializer initializer() {
        return Poly2ParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    /**
     * None: the network's weight decay ({@link GraphBuilder.Options#weightDecay()}) would pull {@code a} and
     * {@code b} (DL4J weights by their initializer) towards 0, i.e. the activation towards a constant; like
     * batch-norm's scale they are per-channel coefficients, not weights.
     */
    @Override
    public java.util.List<org.nd4j.linalg.learning.regularization.Regularization> getRegularizationByParam(
            String paramName) {
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Poly2Layer p && super.equals(o) && p.channels == channels
                && p.convolutional == convolutional && Double.compare(p.initA, initA) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + channels;
    }
}
