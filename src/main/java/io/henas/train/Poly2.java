package io.henas.train;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;

/**
 * Runtime layer of {@link Poly2Layer}: {@code y = (a*x + b)*x + c} per channel (dimension 1). Backward:
 * {@code dx = eps * (2a*x + b)}, {@code da = sum(eps * x^2)}, {@code db = sum(eps * x)}, {@code dc = sum(eps)},
 * sums over every dimension but the channel one. Not thread-safe (like every DL4J layer).
 */
final class Poly2 extends BaseLayer<Poly2Layer> {
    private static final long serialVersionUID = 1L;

    Poly2(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    private INDArray vec(String key) {
        INDArray p = getParam(key);
        return p.reshape(p.length());
    }

    private long[] reduceDims() {
        return input.rank() == 4 ? new long[]{0, 2, 3} : new long[]{0};
    }

    private void checkInput() {
        assertInputSet(false);
        int c = layerConf().channels();
        if ((input.rank() != 4 && input.rank() != 2) || input.size(1) != c) {
            throw new IllegalStateException("poly2 layer " + layerId() + " needs input [N, " + c + "(, H, W)], but got "
                    + java.util.Arrays.toString(input.shape()));
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        checkInput();
        INDArray x = input.castTo(dataType);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        Broadcast.mul(x, vec(Poly2Layer.A), out, 1);
        Broadcast.add(out, vec(Poly2Layer.B), out, 1);
        out.muli(x);
        Broadcast.add(out, vec(Poly2Layer.C), out, 1);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        checkInput();
        INDArray x = input.castTo(dataType);
        long[] dims = reduceDims();
        INDArray ex = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
        ex.assign(epsilon).muli(x);
        INDArray dB = ex.sum(toInt(dims));
        INDArray dA = ex.muli(x).sum(toInt(dims));
        INDArray dC = epsilon.sum(toInt(dims));

        INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        Broadcast.mul(x, vec(Poly2Layer.A).mul(2), dx, 1);
        Broadcast.add(dx, vec(Poly2Layer.B), dx, 1);
        dx.muli(epsilon);

        Gradient g = new DefaultGradient();
        put(g, Poly2Layer.A, dA);
        put(g, Poly2Layer.B, dB);
        put(g, Poly2Layer.C, dC);
        return new Pair<>(g, dx);
    }

    private void put(Gradient g, String key, INDArray value) {
        INDArray view = gradientViews.get(key);
        view.assign(value.reshape(view.shape()));
        g.gradientForVariable().put(key, view);
    }

    private static int[] toInt(long[] d) {
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = (int) d[i];
        }
        return r;
    }
}
