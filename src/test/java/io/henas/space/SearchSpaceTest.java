package io.henas.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;

class SearchSpaceTest {
    private static final ActivationKind SQ = ActivationKind.SQUARE;
    private static final ActivationKind P2 = ActivationKind.POLY2;

    private static final String SPACE = """
            name: unit
            dataset: fashion-mnist
            defaults:
              activation: [square, poly2]
              batchnorm: false
            stages:
              - blocks:
                  - {type: conv, channels: [4, 8], kernel: 3, stride: 2}
              - kernel: [3, 5]
                blocks:
                  - {type: [separable, inverted], channels: 8, expansion: [1, 2], residual: true}
                  - {type: depthwise, stride: 2}
                pool: none
            head: {type: [gap-dense, flatten-dense]}
            """;

    @Test
    void genesAreTheRelevantChoiceListsInFileOrder() {
        SearchSpace s = SpaceLoader.parse(SPACE, "unit.yaml");
        assertEquals(List.of(
                new Gene("defaults.activation", List.of("square", "poly2")),
                new Gene("stages[0].blocks[0].channels", List.of(4, 8)),
                new Gene("stages[1].kernel", List.of(3, 5)),
                new Gene("stages[1].blocks[0].type", List.of("separable", "inverted")),
                new Gene("stages[1].blocks[0].expansion", List.of(1, 2)),
                new Gene("head.type", List.of("gap-dense", "flatten-dense"))), s.genes());
        assertEquals(BigInteger.valueOf(64), s.size());
        assertFalse(s.isFixed());
    }

    @Test
    void decodeBuildsTheChosenLayersWithSharedGenes() {
        SearchSpace s = SpaceLoader.parse(SPACE, "unit.yaml");
        // poly2 everywhere, 8 channels, kernel 5 shared by both stage-1 blocks, inverted with expansion 2, flatten head
        Architecture a = s.decode(new int[] {1, 1, 1, 1, 1, 1});
        assertEquals(List.of(
                new Layer.Conv(8, 3, 2), new Layer.Activation(P2),
                new Layer.InvertedResidual(8, 2, 5, 1, P2, false, true),
                new Layer.DepthwiseConv(5, 2), new Layer.Activation(P2),
                new Layer.Dense(10)), a.layers());
        assertEquals(new Shape(8, 7, 7), a.layerShapes().get(4));
        // square, 4 channels: the residual cannot apply (4 -> 8 channels), so it is left out (documented repair)
        Architecture b = s.decode(new int[] {0, 0, 0, 1, 0, 0});
        assertEquals(List.of(
                new Layer.Conv(4, 3, 2), new Layer.Activation(SQ),
                new Layer.InvertedResidual(8, 1, 3, 1, SQ, false, false),
                new Layer.DepthwiseConv(3, 2), new Layer.Activation(SQ),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)), b.layers());
        assertEquals(Map.of("defaults.activation", "square", "stages[0].blocks[0].channels", 4, "stages[1].kernel", 3,
                "stages[1].blocks[0].type", "inverted", "stages[1].blocks[0].expansion", 1, "head.type", "gap-dense"),
                s.describe(new int[] {0, 0, 0, 1, 0, 0}));
    }

    @Test
    void equalArchitecturesGetEqualNamesAndKeys() {
        SearchSpace s = SpaceLoader.parse(SPACE, "unit.yaml");
        // the expansion gene does not matter for a separable block
        Architecture a = s.decode(new int[] {0, 1, 0, 0, 0, 0});
        Architecture b = s.decode(new int[] {0, 1, 0, 0, 1, 0});
        assertEquals(a, b);
        assertTrue(a.name().matches("unit-[0-9a-f]{12}"), a.name());
        Architecture c = s.decode(new int[] {0, 1, 1, 0, 0, 0});
        assertNotEquals(a.name(), c.name());
        assertNotEquals(SearchSpace.canonicalKey(a), SearchSpace.canonicalKey(c));
    }

    @Test
    void canonicalKeyIgnoresNamesAndHowLayersAreWritten() {
        Shape in = new Shape(1, 28, 28);
        Architecture block = new Architecture("a", in, 10, List.of(
                new Layer.SeparableBlock(8, 3, 2, SQ, true), new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        Architecture spelled = new Architecture("b", in, 10, List.of(
                new Layer.DepthwiseConv(3, 2), new Layer.BatchNorm(), new Layer.Activation(SQ),
                new Layer.PointwiseConv(8), new Layer.BatchNorm(), new Layer.Activation(SQ),
                new Layer.Activation(ActivationKind.NONE), new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        assertEquals(SearchSpace.canonicalKey(block), SearchSpace.canonicalKey(spelled));
        assertEquals("1x28x28>dwk3s2 bn square conv8k1s1 bn square gap fc10>10", SearchSpace.canonicalKey(block));
        Architecture other = new Architecture("c", in, 10, List.of(
                new Layer.SeparableBlock(8, 3, 2, P2, true), new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        assertNotEquals(SearchSpace.canonicalKey(block), SearchSpace.canonicalKey(other));
    }

    @Test
    void canonicalKeyRecordsResidualAndConcatEdges() {
        Shape in = new Shape(1, 28, 28);
        Architecture res = new Architecture("r", in, 10, List.of(new Layer.Conv(8, 3, 2),
                new Layer.InvertedResidual(8, 1, 3, 1, SQ, false, true), new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        assertEquals("1x28x28>conv8k3s2 dwk3s1 square conv8k1s1 add@4,1 gap fc10>10", SearchSpace.canonicalKey(res));
    }

    @Test
    void invalidCombinationsThrowInvalidCandidateNamingTheBlock() {
        SearchSpace s = SpaceLoader.parse("""
                name: pools
                dataset: fashion-mnist
                stages:
                  - blocks: [{type: conv, channels: 4, stride: 2}]
                    pool: [none, 2]
                  - blocks: [{type: conv, channels: 8, kernel: [3, 7]}]
                    pool: 2
                """, "pools.yaml");
        assertEquals(2, s.genes().size());
        assertEquals(List.of(new Layer.Conv(4, 3, 2), new Layer.BatchNorm(), new Layer.Activation(SQ),
                new Layer.Conv(8, 3, 1), new Layer.BatchNorm(), new Layer.Activation(SQ), new Layer.AvgPool(2),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)), s.decode(new int[] {0, 0}).layers());
        // 14x14 pooled to 7x7, then pooling by 2 does not divide 7x7
        InvalidCandidateException pool = assertThrows(InvalidCandidateException.class, () -> s.decode(new int[] {1, 0}));
        assertEquals("stages[1].pool", pool.path());
        assertEquals("stages[1].pool: avgpool size 2 must divide the 7x7 map", pool.getMessage());
        // a 7x7 kernel needs at least a 4x4 map: fine at 7x7, so only the pool fails
        InvalidCandidateException both = assertThrows(InvalidCandidateException.class, () -> s.decode(new int[] {1, 1}));
        assertEquals("stages[1].pool", both.path());
    }

    @Test
    void kernelTooLargeForTheMapIsRejected() {
        SearchSpace s = SpaceLoader.parse("""
                name: tiny
                dataset: fashion-mnist
                stages:
                  - channels: 4
                    stride: 2
                    blocks: [{type: conv}, {type: conv}, {type: conv}, {type: conv}]
                  - blocks: [{type: conv, channels: 4, kernel: [3, 5]}]
                """, "tiny.yaml");
        // 28 -> 14 -> 7 -> 4 -> 2: a 5x5 kernel needs a 3x3 map
        assertEquals(4, s.decode(new int[] {0}).layers().stream().filter(l -> l instanceof Layer.Conv c
                && c.stride() == 2).count());
        InvalidCandidateException e = assertThrows(InvalidCandidateException.class, () -> s.decode(new int[] {1}));
        assertEquals("stages[1].blocks[0]", e.path());
        assertEquals("stages[1].blocks[0]: kernel 5 is too large for a 2x2 map", e.getMessage());
    }

    @Test
    void repeatsKeepTheStrideOnTheFirstCopyOnly() {
        SearchSpace s = SpaceLoader.parse("""
                name: repeats
                dataset: fashion-mnist
                stages:
                  - blocks:
                      - {type: inverted, channels: 8, stride: 2, repeats: [1, 3], residual: true, batchnorm: false}
                """, "repeats.yaml");
        Architecture a = s.decode(new int[] {1});
        assertEquals(List.of(
                new Layer.InvertedResidual(8, 2, 3, 2, SQ, false, false),
                new Layer.InvertedResidual(8, 2, 3, 1, SQ, false, true),
                new Layer.InvertedResidual(8, 2, 3, 1, SQ, false, true),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)), a.layers());
        assertEquals(1, s.decode(new int[] {0}).layers().stream().filter(l -> l instanceof Layer.InvertedResidual).count());
    }

    @Test
    void headTypesAndHiddenLayer() {
        SearchSpace s = SpaceLoader.parse("""
                name: heads
                dataset: cifar10
                defaults: {activation: poly2}
                stages:
                  - blocks: [{type: fire, channels: 16, squeeze: 4, batchnorm: false}]
                head: {type: [conv-gap, gap-dense, flatten-dense], hidden: 24, batchnorm: true}
                """, "heads.yaml");
        Layer fire = new Layer.Fire(4, 8, 8, P2, false);
        assertEquals(List.of(fire, new Layer.PointwiseConv(10), new Layer.GlobalAvgPool()),
                s.decode(new int[] {0}).layers());
        assertEquals(List.of(fire, new Layer.GlobalAvgPool(), new Layer.Dense(24), new Layer.BatchNorm(),
                new Layer.Activation(P2), new Layer.Dense(10)), s.decode(new int[] {1}).layers());
        assertEquals(List.of(fire, new Layer.Dense(24), new Layer.BatchNorm(), new Layer.Activation(P2),
                new Layer.Dense(10)), s.decode(new int[] {2}).layers());
    }

    @Test
    void fireSqueezeDefaultsToAQuarterOfItsChannels() {
        SearchSpace s = SpaceLoader.parse("""
                name: fire
                dataset: fashion-mnist
                stages:
                  - blocks: [{type: fire, channels: [32, 6]}]
                """, "fire.yaml");
        assertEquals(new Layer.Fire(8, 16, 16, SQ, true), s.decode(new int[] {0}).layers().getFirst());
        assertEquals(new Layer.Fire(1, 3, 3, SQ, true), s.decode(new int[] {1}).layers().getFirst());
    }

    @Test
    void fixedSpaceIsOneArchitectureNamedAfterTheSpace() {
        SearchSpace s = SpaceLoader.parse("""
                name: one
                dataset: fashion-mnist
                stages:
                  - blocks: [{type: conv, channels: [8], kernel: 5, stride: 2}]
                head: {type: flatten-dense}
                """, "one.yaml");
        assertTrue(s.isFixed());
        assertEquals(List.of(), s.genes());
        Architecture a = s.fixed();
        assertEquals("one", a.name());
        assertEquals(List.of(new Layer.Conv(8, 5, 2), new Layer.BatchNorm(), new Layer.Activation(SQ),
                new Layer.Dense(10)), a.layers());
        assertEquals(a.layers(), s.decode(new int[0]).layers());
    }

    @Test
    void fixedOnASpaceWithChoicesListsThem() {
        SearchSpace s = SpaceLoader.parse(SPACE, "unit.yaml");
        SpaceException e = assertThrows(SpaceException.class, s::fixed);
        assertEquals("unit.yaml:4: is not a fixed architecture: it has 6 choice lists [defaults.activation,"
                + " stages[0].blocks[0].channels, stages[1].kernel, stages[1].blocks[0].type,"
                + " stages[1].blocks[0].expansion, head.type]; cost and train need a file whose every value is fixed",
                e.getMessage());
    }

    @Test
    void decodeChecksTheVector() {
        SearchSpace s = SpaceLoader.parse(SPACE, "unit.yaml");
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class, () -> s.decode(new int[3]));
        assertEquals("gene vector must have length 6 for space unit, but had 3", len.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> s.decode(new int[] {0, 0, 2, 0, 0, 0}));
        assertEquals("genes[2] (stages[1].kernel) must be in [0, 2), but was 2", range.getMessage());
    }

    @Test
    void geneNeedsTwoChoicesAndCopiesThem() {
        assertThrows(IllegalArgumentException.class, () -> new Gene("x", List.of(1)));
        java.util.ArrayList<Object> list = new java.util.ArrayList<>(List.of(1, 2));
        Gene g = new Gene("x", list);
        list.add(3);
        assertEquals(2, g.cardinality());
    }
}
