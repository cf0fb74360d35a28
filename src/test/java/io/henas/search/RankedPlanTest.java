package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.henas.data.DataSplit;
import io.henas.data.Datasets;
import io.henas.export.CalibratedCompile;
import io.henas.he.CompileOptions;
import io.henas.he.HeCompileException;
import io.henas.he.HePlan;
import io.henas.he.TestNets;
import io.henas.ir.Architecture;
import io.henas.ir.LoweredNet;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;
import io.henas.train.FoldedNet;
import io.henas.train.Folding;

/**
 * The plan a search ranks a trained candidate by is the plan {@code henas export} ships for the same weights: for the
 * references (merge on and off) of every shipped single-packed Fashion-MNIST space (a throughput search keeps the
 * defaults' cost; weights drawn as if trained; each selection simulates the plan on 16 images at up to three rings,
 * 20-80 s for deeper random candidates, so only the references), {@link HenasEvaluator.Recost}'s plan (the search's calibration images:
 * {@link HenasEvaluator#calibrationImages}) has the fingerprint of {@link CalibratedCompile} on export's images
 * ({@link CalibratedCompile#inputs}), and the two image sets are the same images.
 */
class RankedPlanTest {
    @Test
    void theRankedPlanOfTrainedWeightsIsTheExportedPlan() throws IOException {
        DataSplit data = Datasets.fashionMnist(Optional.empty());
        List<double[]> searchImages = HenasEvaluator.calibrationImages(data);
        int compared = 0;
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("search-spaces"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            SearchSpace space = SpaceLoader.load(f);
            if (space.isFixed() || !space.dataset().equals("fashion-mnist") || HenasEvaluator.packing(space).batch()) {
                continue;
            }
            List<Architecture> archs = space.references();
            io.henas.he.Packing packing = HenasEvaluator.packing(space);
            for (Architecture a : archs) {
                LoweredNet net = a.lower();
                List<double[]> exportImages = CalibratedCompile.inputs(net, Optional.empty(),
                        CalibratedCompile.DEFAULT_IMAGES);
                assertEquals(exportImages.size(), searchImages.size(), f.toString());
                for (int i = 0; i < exportImages.size(); i++) {
                    assertArrayEquals(exportImages.get(i), searchImages.get(i), f + ": calibration image " + i);
                }
                FoldedNet trained = Folding.fold(net, TestNets.randomWeights(net, compared));
                for (boolean merge : new boolean[]{true, false}) {
                    String id = f + " " + a.name() + " merge=" + merge;
                    HePlan ranked;
                    try {
                        ranked = new HenasEvaluator.Recost(null, searchImages, merge, packing).plan(trained);
                    } catch (HeCompileException tooDeep) {
                        continue;
                    }
                    HePlan exported = CalibratedCompile.compile(trained, CompileOptions.defaults(merge), exportImages,
                            packing);
                    assertEquals(exported.fingerprint(), ranked.fingerprint(), id);
                    assertEquals("calibrated", ranked.parameters().precision().source(), id);
                    compared++;
                }
            }
        }
        assertTrue(compared >= 4, "only " + compared + " plans compared");
    }
}
