package io.henas.train;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The activation {@code f(x) = x^2} with its derivative {@code 2x}. Stateless, so it round-trips through DL4J's JSON
 * configuration with its no-argument constructor alone.
 */
public final class SquareActivation extends BaseActivationFunction {
    private static final long serialVersionUID = 1L;

    public SquareActivation() {
    }

    /** Squares {@code in} in place (DL4J's activation contract) and returns it. */
    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        return in.muli(in);
    }

    /** dL/dx = dL/dy * 2x, written into {@code in}; no activation parameters. */
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray dLdz = in.muli(2).muli(epsilon);
        return new Pair<>(dLdz, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SquareActivation;
    }

    @Override
    public int hashCode() {
        return SquareActivation.class.hashCode();
    }

    @Override
    public String toString() {
        return "square";
    }
}
