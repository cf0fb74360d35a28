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
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime layer of {@link DepthwiseLayer}. With {@code xp} the input zero-padded by {@code p = (k-1)/2} and
 * {@code tap(ky, kx)} the strided view {@code xp[:, :, ky + s*i, kx + s*j]} of output size:
 * {@code y = b + sum_{ky,kx} W[:, 0, ky, kx] * tap(ky, kx)} (per-channel broadcast). Backward:
 * {@code dW[:, 0, ky, kx] = sum(eps * tap(ky, kx))} over N, H, W; {@code db = sum(eps)};
 * {@code dxp[tap(ky, kx)] += W[:, 0, ky, kx] * eps}, and {@code dx} is the interior of {@code dxp}.
 * Not thread-safe (like every DL4J layer).
 */
final class Depthwise extends BaseLayer<DepthwiseLayer> {
    private static final long serialVersionUID = 1L;

    Depthwise(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    private void checkInput() {
        assertInputSet(false);
        DepthwiseLayer d = layerConf();
        if (input.rank() != 4 || input.size(1) != d.channels() || input.size(2) != d.height()
                || input.size(3) != d.width()) {
            throw new IllegalStateException("depthwise layer " + layerId() + " needs input [N, " + d.channels() + ", "
                    + d.height() + ", " + d.width() + "], but got " + java.util.Arrays.toString(input.shape()));
        }
    }

    /** The input zero-padded by (k-1)/2 on each side, in the given workspace. */
    private INDArray padded(INDArray x, LayerWorkspaceMgr mgr, ArrayType type) {
        DepthwiseLayer d = layerConf();
        int p = (d.kernel() - 1) / 2;
        if (p == 0) {
            return x;
        }
        INDArray xp = mgr.create(type, dataType, new long[]{x.size(0), d.channels(), d.height() + 2L * p,
                d.width() + 2L * p}, 'c');
        xp.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(p, p + d.height()),
                NDArrayIndex.interval(p, p + d.width())).assign(x);
        return xp;
    }

    /** The view of {@code xp} read by tap (ky, kx). */
    private INDArray tap(INDArray xp, int ky, int kx) {
        DepthwiseLayer d = layerConf();
        int s = d.stride();
        INDArrayIndex rows = NDArrayIndex.interval(ky, s, ky + (long) s * (d.outHeight() - 1) + 1);
        INDArrayIndex cols = NDArrayIndex.interval(kx, s, kx + (long) s * (d.outWidth() - 1) + 1);
        return xp.get(NDArrayIndex.all(), NDArrayIndex.all(), rows, cols);
    }

    /** Per-channel weights of tap (ky, kx) as a vector [C]. */
    private INDArray tapWeights(int ky, int kx) {
        INDArray w = getParam(DepthwiseLayer.W);
        return w.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(ky), NDArrayIndex.point(kx));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        checkInput();
        DepthwiseLayer d = layerConf();
        INDArray x = input.castTo(dataType);
        INDArray xp = padded(x, mgr, ArrayType.FF_WORKING_MEM);
        long n = x.size(0);
        long[] outShape = {n, d.channels(), d.outHeight(), d.outWidth()};
        INDArray out = mgr.create(ArrayType.ACTIVATIONS, dataType, outShape, 'c');
        INDArray tmp = mgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, outShape, 'c');
        for (int ky = 0; ky < d.kernel(); ky++) {
            for (int kx = 0; kx < d.kernel(); kx++) {
                Broadcast.mul(tap(xp, ky, kx), tapWeights(ky, kx), tmp, 1);
                out.addi(tmp);
            }
        }
        INDArray b = getParam(DepthwiseLayer.B);
        Broadcast.add(out, b.reshape(b.length()), out, 1);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        checkInput();
        DepthwiseLayer d = layerConf();
        INDArray x = input.castTo(dataType);
        INDArray eps = epsilon.castTo(dataType);
        INDArray xp = padded(x, mgr, ArrayType.BP_WORKING_MEM);
        int p = (d.kernel() - 1) / 2;
        INDArray dxp = mgr.create(p == 0 ? ArrayType.ACTIVATION_GRAD : ArrayType.BP_WORKING_MEM, dataType,
                xp.shape(), 'c');
        INDArray tmp = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, eps.shape(), 'c');
        INDArray dW = gradientViews.get(DepthwiseLayer.W);
        for (int ky = 0; ky < d.kernel(); ky++) {
            for (int kx = 0; kx < d.kernel(); kx++) {
                tmp.assign(tap(xp, ky, kx)).muli(eps);
                dW.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(ky), NDArrayIndex.point(kx))
                        .assign(tmp.sum(0, 2, 3));
                Broadcast.mul(eps, tapWeights(ky, kx), tmp, 1);
                tap(dxp, ky, kx).addi(tmp);
            }
        }
        INDArray db = gradientViews.get(DepthwiseLayer.B);
        db.assign(eps.sum(0, 2, 3).reshape(db.shape()));
        INDArray dx;
        if (p == 0) {
            dx = dxp;
        } else {
            dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
            dx.assign(dxp.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(p, p + d.height()),
                    NDArrayIndex.interval(p, p + d.width())));
        }
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(DepthwiseLayer.W, dW);
        g.gradientForVariable().put(DepthwiseLayer.B, db);
        return new Pair<>(g, dx);
    }
}
