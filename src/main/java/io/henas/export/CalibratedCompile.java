package io.henas.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.henas.data.Dataset;
import io.henas.data.Datasets;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.ParameterSelector;
import io.henas.ir.LoweredNet;
import io.henas.ir.Shape;
import io.henas.train.FoldedNet;

/**
 * Compiles a trained model for export with the parameter selection calibrated on training images
 * ({@link ParameterSelector#select}): value ranges and the noise prediction come from simulating the plan with the
 * folded weights. Every path that exports a model with known weights (export, search's knee, compare) uses it.
 */
public final class CalibratedCompile {
    /** Calibration images used by default. */
    public static final int DEFAULT_IMAGES = 16;

    private CalibratedCompile() {
    }

    /**
     * The first {@code n} Fashion-MNIST training images when the network's input is {@code 1 x 28 x 28}, else none
     * (then the selector's documented defaults apply).
     */
    public static List<double[]> inputs(LoweredNet net, Optional<Path> dataDir, int n) throws IOException {
        Shape s = net.node(0).shape();
        if (n <= 0 || s.channels() != 1 || s.height() != 28 || s.width() != 28) {
            return List.of();
        }
        Dataset train = Datasets.fashionMnist(dataDir).train();
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, train.size()); i++) {
            out.add(train.image(i));
        }
        return out;
    }

    /** The plan for {@code folded}: calibrated on {@code inputs}, or under the defaults when there are none. */
    public static HePlan compile(FoldedNet folded, CompileOptions o, List<double[]> inputs) {
        return compile(folded, o, inputs, io.henas.he.Packing.CURRENT);
    }

    /** As {@link #compile(FoldedNet, CompileOptions, List)} with the given packing (e.g. batch). */
    public static HePlan compile(FoldedNet folded, CompileOptions o, List<double[]> inputs,
                                 io.henas.he.Packing packing) {
        return inputs.isEmpty() ? HePlan.compile(folded.net(), o, packing)
                : ParameterSelector.select(folded.net(), o, folded.weights(), inputs, packing);
    }
}
