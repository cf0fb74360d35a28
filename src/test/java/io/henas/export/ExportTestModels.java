package io.henas.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.TestNets;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.Shape;
import io.henas.train.FoldedNet;

/** Small exported models with seeded random weights, shared by the export and infer tests. */
public final class ExportTestModels {
    private ExportTestModels() {
    }

    /** A small conv net on 1 x 8 x 8 inputs: conv, square, avg-pool, conv, poly2, GAP, dense (10 classes). */
    public static Architecture smallArch() {
        return new Architecture("small-cnn", new Shape(1, 8, 8), 10, List.of(
                new Layer.Conv(4, 3, 1), new Layer.Activation(ActivationKind.SQUARE), new Layer.AvgPool(2),
                new Layer.Conv(4, 3, 1), new Layer.Activation(ActivationKind.POLY2), new Layer.GlobalAvgPool(),
                new Layer.Dense(10)));
    }

    public static ModelSource source(Architecture arch, long seed) {
        LoweredNet net = arch.lower();
        FoldedNet f = io.henas.train.Folding.fold(net, TestNets.randomWeights(net, seed));
        Provenance p = new Provenance("test-commit", "none", seed, "random", Double.NaN, 0.5, "test");
        return new ModelSource(arch.name(), f, null, p, Map.of("status", "OK"), new byte[]{1, 2, 3, 4});
    }

    /** Exports {@code smallArch} with a secure plan (smallest logN). */
    public static ExportedModel exportSecure(Path file, long seed) throws IOException {
        ModelSource s = source(smallArch(), seed);
        return ModelExporter.write(file, s, HePlan.compile(s.folded().net(), CompileOptions.defaults(true)));
    }
}
