package io.henas.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.henas.he.CompileOptions;
import io.henas.he.HeCompileException;
import io.henas.he.HePlan;
import io.henas.he.TestNets;
import io.henas.ir.Architecture;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetFold;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.PlainForward;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;
import io.henas.train.FoldedNet;
import io.henas.train.Folding;

/**
 * The model that ships is the model that was ranked: for every shipped space's references and
 * {@value #RANDOM_PER_SPACE} seeded random candidates per space, the network export folds ({@link Folding}, trained
 * numbers folded) has exactly the structure the compiler folds the unfolded network to when the search costs it
 * ({@link NetFold}), folding is idempotent, and the folded weights compute the same logits. For the references and
 * {@value #COMPILED_PER_SPACE} random candidates per space, merge on and off, the plan the search ranks
 * ({@code HePlan.compile(arch.lower())}, what {@code CostModel} and the search's cost stage compile) and the plan
 * compiled at export from the folded network have the same fingerprint, op counts and depth.
 */
class ShippedPlanTest {
    static final int RANDOM_PER_SPACE = 50;
    static final int COMPILED_PER_SPACE = 6;

    static List<Path> spaces() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("search-spaces"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** References (or the fixed architecture) then up to {@code random} decodable random candidates. */
    static List<Architecture> candidates(SearchSpace space, Path f, int random) {
        List<Architecture> archs = new ArrayList<>(space.references());
        if (space.isFixed()) {
            archs.add(space.fixed());
            return archs;
        }
        SplittableRandom rnd = new SplittableRandom(f.getFileName().toString().hashCode() * 31L + 7);
        int made = 0;
        for (int tries = 0; made < random && tries < random * 20; tries++) {
            int[] g = new int[space.genes().size()];
            for (int j = 0; j < g.length; j++) {
                g[j] = rnd.nextInt(space.genes().get(j).cardinality());
            }
            try {
                archs.add(space.decode(g));
                made++;
            } catch (RuntimeException invalid) {
                // a gene vector the space rejects has no plan
            }
        }
        return archs;
    }

    @Test
    void exportFoldsToTheStructureTheSearchRanks() throws IOException {
        int checked = 0;
        int withBn = 0;
        for (Path f : spaces()) {
            SearchSpace space = SpaceLoader.load(f);
            List<Architecture> archs = candidates(space, f, RANDOM_PER_SPACE);
            assertTrue(archs.size() >= Math.min(10, RANDOM_PER_SPACE) || space.isFixed(), f + ": " + archs.size());
            for (Architecture a : archs) {
                LoweredNet net = a.lower();
                NetWeights w = TestNets.randomWeights(net, checked);
                FoldedNet shipped = Folding.fold(net, w);
                NetFold ranked = NetFold.of(net);
                assertEquals(ranked.net(), shipped.net(), f + " " + a.name());
                assertTrue(NetFold.of(shipped.net()).identity(), f + " " + a.name() + ": folding is not idempotent");
                for (LoweredNet.Node n : shipped.net().nodes()) {
                    if (n.op() instanceof Op.BatchNorm) {
                        LoweredNet.Node src = shipped.net().node(n.inputs().getFirst());
                        assertTrue(!(src.op() instanceof Op.Conv || src.op() instanceof Op.Dense)
                                        || shipped.net().consumers(src.id()).size() > 1,
                                f + " " + a.name() + ": batch-norm " + n.name() + " after a linear layer was kept");
                    }
                }
                if (!ranked.identity()) {
                    withBn++;
                }
                if (checked % 10 == 0) {
                    double[] x = TestNets.randomInput(net.node(0).shape(), checked);
                    double[] z0 = PlainForward.logits(net, w, x);
                    double[] z1 = PlainForward.logits(shipped.net(), shipped.weights(), x);
                    double num = 0;
                    double den = 1e-300;
                    for (int i = 0; i < z0.length; i++) {
                        num += (z0[i] - z1[i]) * (z0[i] - z1[i]);
                        den += z0[i] * z0[i];
                    }
                    double bits = -0.5 * Math.log(num / den + 1e-300) / Math.log(2);
                    assertTrue(bits > 30, f + " " + a.name() + ": folded logits keep only " + bits + " bits");
                }
                checked++;
            }
        }
        assertTrue(checked >= 150, "only " + checked + " candidates");
        assertTrue(withBn >= 40, "only " + withBn + " candidates had a batch-norm to fold");
    }

    @Test
    void rankedPlanIsTheExportedPlan() throws IOException {
        int compared = 0;
        for (Path f : spaces()) {
            SearchSpace space = SpaceLoader.load(f);
            for (Architecture a : candidates(space, f, COMPILED_PER_SPACE)) {
                LoweredNet net = a.lower();
                FoldedNet shipped = Folding.fold(net, TestNets.randomWeights(net, compared));
                for (boolean merge : new boolean[]{true, false}) {
                    String id = f + " " + a.name() + " merge=" + merge;
                    HePlan ranked;
                    try {
                        ranked = HePlan.compile(net, CompileOptions.defaults(merge));
                    } catch (HeCompileException tooDeep) {
                        continue;
                    }
                    HePlan exported = HePlan.compile(shipped.net(), CompileOptions.defaults(merge));
                    assertEquals(ranked.fingerprint(), exported.fingerprint(), id);
                    assertEquals(ranked.depth(), exported.depth(), id);
                    assertEquals(ranked.instructionCount(), exported.instructionCount(), id);
                    assertEquals(io.henas.he.OpCounts.of(ranked).toString(), io.henas.he.OpCounts.of(exported)
                            .toString(), id);
                    assertEquals(shipped.net(), exported.net(), id);
                    compared++;
                }
            }
        }
        assertTrue(compared >= 40, "only " + compared + " plans compared");
    }

    /**
     * Export selects the chain from calibration images, the search ranks under the default chain: the programs (all
     * but the chain) are the same whenever the selection keeps the ring degree.
     */
    @Test
    void calibratedExportRunsTheRankedProgram() throws IOException {
        int same = 0;
        for (Path f : spaces()) {
            SearchSpace space = SpaceLoader.load(f);
            for (Architecture a : space.isFixed() ? List.of(space.fixed()) : space.references()) {
                LoweredNet net = a.lower();
                if (same >= 3 || net.node(0).shape().size() > 28 * 28) {
                    continue;
                }
                FoldedNet shipped = Folding.fold(net, TestNets.randomWeights(net, 3));
                HePlan ranked = HePlan.compile(net, CompileOptions.defaults(true));
                List<double[]> inputs = List.of(TestNets.randomInput(net.node(0).shape(), 1));
                HePlan exported = CalibratedCompile.compile(shipped, CompileOptions.defaults(true), inputs);
                if (exported.logN() == ranked.logN()) {
                    assertEquals(ranked.programFingerprint(), exported.programFingerprint(), f + " " + a.name());
                    same++;
                }
            }
        }
        assertTrue(same >= 3, "only " + same + " calibrated exports kept the ring degree");
    }
    /**
     * Trained models (the committed Fashion models, trained on Fashion-MNIST), exported with calibration images: the
     * program is the ranked program (same ring); the chain is the ranked chain whenever the calibration accepts it
     * (the defaults held on the calibration images: fashion-throughput's logits, up to 52, exceed the defaults' 32) and
     * no cheaper key-switching shape is precise enough. With SEAL's shape only (one special prime, one-prime digits:
     * every chain costs the same) the ranked chain is kept, so the shipped plan is the ranked plan, fingerprint and
     * all; with hybrid shapes the calibration may prove a cheaper shape precise enough (fashion-best: digits of 2
     * primes, half the key switching of the defaults' one-prime digits), and then that one ships.
     */
    @Test
    void trainedModelsShipTheRankedPlan() throws IOException {
        for (String file : List.of("experiments/fashion-best/model.henas", "experiments/fashion-search-best/model.henas",
                "experiments/fashion-throughput/model.henas")) {
            ExportedModel m = ExportedModel.read(Path.of(file));
            FoldedNet folded = m.folded();
            LoweredNet net = folded.net();
            io.henas.he.Packing packing = m.plan().packing();
            List<double[]> inputs = CalibratedCompile.inputs(net, java.util.Optional.empty(),
                    CalibratedCompile.DEFAULT_IMAGES);
            CompileOptions seal = m.plan().options().withLogN(0).withMaxSpecialPrimes(1);
            HePlan ranked = HePlan.compile(net, seal, packing);
            HePlan exported = CalibratedCompile.compile(folded, seal, inputs, packing);
            if (Boolean.FALSE.equals(exported.parameters().precision().defaultsHeld())) {
                // the trained network leaves the defaults' bounds (e.g. logits above 2^5): the calibration must pick
                // its own chain for the same program
                assertEquals(ranked.programFingerprint(), exported.programFingerprint(), file);
                assertEquals(ranked.logN(), exported.logN(), file);
            } else {
                assertEquals(ranked.fingerprint(), exported.fingerprint(), file + ": ranked " + ranked.parameters()
                        + ", exported " + exported.parameters());
            }
            assertEquals(io.henas.he.PrecisionReport.CALIBRATED, exported.parameters().precision().source(), file);
            assertTrue(exported.parameters().precision().predictedBits()
                    >= exported.parameters().precision().requiredBits(), file);

            CompileOptions hybrid = m.plan().options().withLogN(0);
            HePlan rankedH = HePlan.compile(net, hybrid, packing);
            HePlan exportedH = CalibratedCompile.compile(folded, hybrid, inputs, packing);
            assertEquals(rankedH.programFingerprint(), exportedH.programFingerprint(), file);
            double costRanked = ksCost(rankedH);
            double costExported = ksCost(exportedH);
            if (!rankedH.fingerprint().equals(exportedH.fingerprint())) {
                assertTrue(costExported < costRanked, file + ": a chain other than the ranked one ships only when its"
                        + " key switching is cheaper: ranked " + rankedH.parameters() + ", exported "
                        + exportedH.parameters());
            }
        }
    }

    private static double ksCost(HePlan p) {
        return io.henas.he.ParameterSelector.keySwitchCost(p.depth(), p.parameters().specialPrimes(),
                p.parameters().digitSize());
    }

    @Test
    void aNetworkBreakingTheDefaultsGetsItsOwnChain() throws IOException {
        ExportedModel m = ExportedModel.read(Path.of("experiments/fashion-best/model.henas"));
        FoldedNet folded = m.folded();
        LoweredNet net = folded.net();
        NetWeights w = folded.weights();
        int last = net.nodes().size() - 1;
        while (!(net.node(last).op() instanceof Op.Dense)) {
            last--;
        }
        java.util.Map<String, io.henas.ir.Tensor> t = new java.util.HashMap<>(w.tensors());
        for (String param : new String[]{"W", "bias"}) {
            io.henas.ir.Tensor x = w.get(net.node(last).name(), param);
            t.put(NetWeights.key(net.node(last).name(), param), new io.henas.ir.Tensor(x.shape(),
                    java.util.Arrays.stream(x.data()).map(v -> v * 4096.0).toArray()));
        }
        FoldedNet loud = new FoldedNet(net, new NetWeights(t), folded.remaining());
        CompileOptions o = m.plan().options().withLogN(0).withMaxSpecialPrimes(1);
        List<double[]> inputs = CalibratedCompile.inputs(net, java.util.Optional.empty(), 8);
        HePlan ranked = HePlan.compile(net, o);
        HePlan exported = CalibratedCompile.compile(loud, o, inputs);
        assertTrue(!ranked.fingerprint().equals(exported.fingerprint()), "logits 2^12 larger than the defaults "
                + "assume must not keep the ranked chain " + ranked.parameters());
        assertEquals(ranked.programFingerprint().equals(exported.programFingerprint()), ranked.logN() == exported.logN());
    }
}
