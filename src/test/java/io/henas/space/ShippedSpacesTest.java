package io.henas.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.Op;
import io.henas.ir.Shape;

/** The spaces shipped in {@code search-spaces/} load and hold what their comments and the README promise. */
class ShippedSpacesTest {
    private static final Path DIR = Path.of("search-spaces");

    @Test
    void everyShippedFileLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 3, files.toString());
        for (Path f : files) {
            SearchSpace space = SpaceLoader.load(f);
            assertEquals(f.getFileName().toString(), space.name() + ".yaml", "name matches the file name");
            for (Architecture r : space.references()) {
                assertEquals(space.input(), r.input());
            }
            if (space.isFixed()) {
                assertEquals(space.name(), space.fixed().name());
            }
        }
    }

    @Test
    void readmeExampleLoads() throws IOException {
        String readme = Files.readString(DIR.resolve("README.md"));
        int start = readme.indexOf("```yaml\n") + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        SearchSpace s = SpaceLoader.parse(yaml, "README.md");
        assertEquals(List.of("defaults.activation", "stages[0].blocks[0].channels", "stages[1].blocks[0].type",
                "stages[1].pool"), s.genes().stream().map(Gene::path).toList());
        for (int[] g : allVectors(s)) {
            s.decode(g);
        }
    }

    @Test
    void quickstartIsSmallEnoughForTenMinutes() {
        SearchSpace s = SpaceLoader.load(DIR.resolve("quickstart.yaml"));
        assertEquals("fashion-mnist", s.dataset());
        assertTrue(s.search().population() * s.search().generations() <= 30, "at most ~30 proxy trainings");
        assertEquals(1, s.proxy().epochs());
        assertTrue(s.proxy().trainImages() <= 2000);
        assertTrue(s.proxy().testImages() + s.proxy().validationImages() <= 1000);
        assertEquals(BigInteger.valueOf(64), s.size());
        Set<String> keys = new HashSet<>();
        for (int[] g : allVectors(s)) {
            Architecture a = s.decode(g);
            keys.add(SearchSpace.canonicalKey(a));
            assertTrue(a.lower().nodes().stream().allMatch(n -> !(n.op() instanceof Op.Conv c) || c.channels() <= 16));
            assertPolynomialWithNormBeforeEachActivation(a);
        }
        assertEquals(64, keys.size(), "every quickstart vector is a distinct network");
        assertEquals(List.of("quickstart-cnn"), s.references().stream().map(Architecture::name).toList());
    }

    @Test
    void fashionMobileCoversTheMobileBlocksAndEveryVectorIsValid() {
        SearchSpace s = SpaceLoader.load(DIR.resolve("fashion-mobile.yaml"));
        List<?> types = s.genes().stream().filter(g -> g.path().endsWith(".type")).findFirst().orElseThrow().choices();
        assertEquals(List.of("conv", "separable", "fire", "inverted"), types);
        assertTrue(s.genes().stream().anyMatch(g -> g.path().endsWith(".activation")
                && g.choices().equals(List.of("square", "poly2"))));
        assertTrue(s.genes().stream().anyMatch(g -> g.path().endsWith(".repeats")));
        assertTrue(s.genes().stream().anyMatch(g -> g.path().endsWith(".pool")));
        SplittableRandom rnd = new SplittableRandom(42);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1500; i++) {
            int[] g = new int[s.genes().size()];
            for (int j = 0; j < g.length; j++) {
                g[j] = rnd.nextInt(s.genes().get(j).cardinality());
            }
            Architecture a = s.decode(g); // the file promises that no vector is invalid
            assertPolynomialWithNormBeforeEachActivation(a);
            keys.add(SearchSpace.canonicalKey(a));
        }
        assertTrue(keys.size() > 1000, "distinct networks among 1500 random vectors: " + keys.size());
    }

    @Test
    void fashionMobileHasTheSqueezeNetStyleReference() {
        SearchSpace s = SpaceLoader.load(DIR.resolve("fashion-mobile.yaml"));
        Architecture ref = s.references().stream().filter(a -> a.name().equals("squeezenet-style")).findFirst()
                .orElseThrow();
        assertEquals(4, ref.layers().stream().filter(l -> l instanceof Layer.Fire).count());
        assertEquals(9, squares(ref));
        assertEquals(new Shape(10, 1, 1), ref.layerShapes().getLast());
    }

    @Test
    void cifarSqueezeNetIsTheFixedHemetBaseline() {
        SearchSpace s = SpaceLoader.load(DIR.resolve("cifar10-squeezenet.yaml"));
        assertTrue(s.isFixed());
        assertEquals("cifar10", s.dataset());
        Architecture a = s.fixed();
        assertEquals(new Shape(3, 32, 32), a.input());
        ActivationKind sq = ActivationKind.SQUARE;
        assertEquals(List.of(new Layer.Conv(64, 3, 1), new Layer.BatchNorm(), new Layer.Activation(sq),
                new Layer.AvgPool(2),
                new Layer.Fire(32, 32, 32, sq, true), new Layer.Fire(32, 32, 32, sq, true),
                new Layer.AvgPool(2),
                new Layer.Fire(32, 64, 64, sq, true), new Layer.Fire(32, 64, 64, sq, true),
                new Layer.PointwiseConv(10), new Layer.GlobalAvgPool()), a.layers());
        assertEquals(List.of(new Shape(64, 32, 32), new Shape(64, 32, 32), new Shape(64, 32, 32), new Shape(64, 16, 16),
                new Shape(64, 16, 16), new Shape(64, 16, 16), new Shape(64, 8, 8), new Shape(128, 8, 8),
                new Shape(128, 8, 8), new Shape(10, 8, 8), new Shape(10, 1, 1)), a.layerShapes());
        assertEquals(9, squares(a), "HEMET's baseline has 9 squares");
        // one channel per ciphertext: ct x pt products of a conv = in x out x k^2 (HEMET's per-layer counts)
        List<Long> products = new ArrayList<>();
        LoweredNet net = a.lower();
        for (LoweredNet.Node n : net.nodes()) {
            if (n.op() instanceof Op.Conv c && !c.depthwise()) {
                long in = net.node(n.inputs().getFirst()).shape().channels();
                products.add(in * c.channels() * c.kernel() * c.kernel());
            }
        }
        // conv1, then per Fire: squeeze, expand1, expand3; final conv
        assertEquals(List.of(1728L,
                2048L, 1024L, 9216L, 2048L, 1024L, 9216L,
                2048L, 2048L, 18432L, 4096L, 2048L, 18432L,
                1280L), products);
    }

    @Test
    void proxyTrainingStaysCheap() {
        // multiply-accumulates per image; the STACK.md benchmark CNN (~1 M MACs) trains at ~460 images/s on 2 cores
        SearchSpace quick = SpaceLoader.load(DIR.resolve("quickstart.yaml"));
        for (int[] g : allVectors(quick)) {
            assertTrue(macs(quick.decode(g)) < 200_000);
        }
        SearchSpace mobile = SpaceLoader.load(DIR.resolve("fashion-mobile.yaml"));
        SplittableRandom rnd = new SplittableRandom(7);
        long sum = 0;
        int n = 1000;
        for (int i = 0; i < n; i++) {
            int[] g = new int[mobile.genes().size()];
            for (int j = 0; j < g.length; j++) {
                g[j] = rnd.nextInt(mobile.genes().get(j).cardinality());
            }
            long m = macs(mobile.decode(g));
            assertTrue(m < 15_000_000, "worst case stays bounded: " + m);
            sum += m;
        }
        assertTrue(sum / n < 2_000_000, "mean MACs per image: " + sum / n);
    }

    /** Multiply-accumulates of one forward pass (convolutions and dense layers). */
    static long macs(Architecture a) {
        LoweredNet net = a.lower();
        long m = 0;
        for (LoweredNet.Node n : net.nodes()) {
            if (n.op() instanceof Op.Conv c) {
                long in = c.depthwise() ? 1 : net.node(n.inputs().getFirst()).shape().channels();
                m += (long) n.shape().size() * c.kernel() * c.kernel() * in;
            } else if (n.op() instanceof Op.Dense d) {
                m += (long) net.node(n.inputs().getFirst()).shape().size() * d.units();
            }
        }
        return m;
    }

    private static long squares(Architecture a) {
        return a.lower().nodes().stream().filter(n -> n.op() instanceof Op.Act act
                && act.kind() == ActivationKind.SQUARE).count();
    }

    private static void assertPolynomialWithNormBeforeEachActivation(Architecture a) {
        LoweredNet net = a.lower();
        for (LoweredNet.Node n : net.nodes()) {
            if (n.op() instanceof Op.Act) {
                assertTrue(net.node(n.inputs().getFirst()).op() instanceof Op.BatchNorm,
                        a.name() + ": " + n.name() + " follows batch-norm");
            }
        }
        assertFalse(net.nodes().isEmpty());
    }

    private static List<int[]> allVectors(SearchSpace s) {
        List<int[]> out = new ArrayList<>();
        int n = s.genes().size();
        int[] g = new int[n];
        while (true) {
            out.add(g.clone());
            int i = n - 1;
            while (i >= 0 && ++g[i] == s.genes().get(i).cardinality()) {
                g[i] = 0;
                i--;
            }
            if (i < 0) {
                return out;
            }
        }
    }
}
