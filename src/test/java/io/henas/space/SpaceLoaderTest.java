package io.henas.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import io.henas.ir.ActivationKind;
import io.henas.ir.Layer;

class SpaceLoaderTest {
    private static final String MINIMAL = """
            name: minimal
            dataset: fashion-mnist
            stages:
              - blocks: [{type: conv, channels: 8}]
            """;

    @Test
    void omittedSectionsTakeTheirDocumentedDefaults() {
        SearchSpace s = SpaceLoader.parse(MINIMAL, "minimal.yaml");
        assertEquals("minimal", s.name());
        assertEquals("", s.description());
        assertEquals(Path.of("minimal.yaml"), s.source());
        assertEquals("fashion-mnist", s.dataset());
        assertEquals(new io.henas.ir.Shape(1, 28, 28), s.input());
        assertEquals(10, s.classes());
        assertEquals(TrainBudget.defaultProxy(), s.proxy());
        assertEquals(new TrainBudget(10, 60_000, 0, 10_000, 64, 1e-3, 42), s.full());
        assertEquals(SearchSettings.defaults(), s.search());
        assertEquals(new HeSettings(true), s.he());
        assertEquals(List.of(), s.references());
        // built-in block defaults: kernel 3, stride 1, batch-norm on, x^2; head gap + dense
        assertEquals(List.of(new Layer.Conv(8, 3, 1), new Layer.BatchNorm(), new Layer.Activation(ActivationKind.SQUARE),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)), s.fixed().layers());
    }

    @Test
    void budgetsSearchAndHeSettingsAreRead() {
        SearchSpace s = SpaceLoader.parse(MINIMAL + """
                train:
                  proxy: {epochs: 2, train_images: 3000, validation_images: 500, test_images: 0, batch_size: 32,
                          learning_rate: 5e-3, seed: 7}
                  full: {epochs: 3, learning_rate: 1}
                search:
                  population: 12
                  generations: 5
                  seed: -3
                  objectives: [latency, accuracy, depth]
                  constraints: {max_logn: 14, max_latency_s: 2.5, max_depth: 9, max_key_bytes: 60000000}
                  seed_references: true
                he: {merge: false}
                """, "settings.yaml");
        assertEquals(new TrainBudget(2, 3000, 500, 0, 32, 5e-3, 7), s.proxy());
        assertEquals(new TrainBudget(3, 60_000, 0, 10_000, 64, 1.0, 42), s.full());
        assertEquals(new SearchSettings(12, 5, -3, List.of(Objective.LATENCY, Objective.ACCURACY, Objective.DEPTH),
                OptionalInt.of(14), OptionalDouble.of(2.5), OptionalInt.of(9), OptionalLong.of(60_000_000L), true),
                s.search());
        assertEquals(new HeSettings(false), s.he());
    }

    @Test
    void hePackingIsSingleOrBatch() {
        assertEquals("single", SpaceLoader.parse(MINIMAL, "a.yaml").he().packing());
        assertEquals(new HeSettings(true, "batch"), SpaceLoader.parse(MINIMAL + "he: {packing: batch}\n", "b.yaml").he());
        SpaceException bad = assertThrows(SpaceException.class,
                () -> SpaceLoader.parse(MINIMAL + "he: {packing: wide}\n", "c.yaml"));
        assertTrue(bad.getMessage().contains("packing"), bad.getMessage());
        assertTrue(bad.getMessage().contains("batch"), bad.getMessage());
    }

    @Test
    void throughputObjectiveImpliesBatchPacking() {
        SearchSpace t = SpaceLoader.parse(MINIMAL + "search: {objectives: [accuracy, throughput]}\n", "t.yaml");
        assertEquals(List.of(Objective.ACCURACY, Objective.THROUGHPUT), t.search().objectives());
        assertEquals(new HeSettings(true, "batch"), t.he(), "batch is the default under throughput");
        assertEquals("batch", SpaceLoader.parse(MINIMAL + "search: {objectives: [accuracy, throughput]}\n"
                + "he: {merge: false}\n", "t2.yaml").he().packing());
        SpaceException single = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL
                + "search: {objectives: [accuracy, throughput]}\nhe:\n  packing: single\n", "t3.yaml"));
        assertEquals(7, single.line(), "the packing line");
        assertTrue(single.getMessage().contains("must be batch when search.objectives lists throughput"),
                single.getMessage());
        SpaceException both = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL
                + "search:\n  objectives: [accuracy, latency, throughput]\n", "t4.yaml"));
        assertTrue(both.getMessage().contains("lists both latency and throughput"), both.getMessage());
        SpaceException unknown = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL
                + "search:\n  objectives: [accuracy, speed]\n", "t5.yaml"));
        assertTrue(unknown.getMessage().contains("throughput"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SearchSettings(4, 1, 1,
                List.of(Objective.LATENCY, Objective.THROUGHPUT), OptionalInt.empty(), OptionalDouble.empty(),
                OptionalInt.empty(), OptionalLong.empty(), false));
    }

    @Test
    void budgetErrorsNameTheField() {
        SpaceException sum = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL + """
                train:
                  full:
                    train_images: 50000
                    validation_images: 20000
                """, "b.yaml"));
        assertEquals("b.yaml:8: train.full.validation_images train_images + validation_images must be <= 60000"
                + " (the fashion-mnist training split), but was 50000 + 20000 = 70000", sum.getMessage());
        SpaceException none = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL + """
                train:
                  proxy: {test_images: 0}
                """, "b.yaml"));
        assertEquals("b.yaml:6: train.proxy must measure accuracy somewhere: validation_images and test_images are"
                + " both 0", none.getMessage());
        SpaceException lr = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL + """
                train:
                  proxy: {learning_rate: 0}
                """, "b.yaml"));
        assertEquals("b.yaml:6: train.proxy.learning_rate must be in (0, 1], but was 0.0", lr.getMessage());
        SpaceException logN = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL + """
                search: {constraints: {max_logn: 18}}
                """, "b.yaml"));
        assertEquals("b.yaml:5: search.constraints.max_logn must be in [10, 17], but was 18", logN.getMessage());
    }

    @Test
    void regularisationIsReadAndRungsInheritIt() {
        SearchSpace s = SpaceLoader.parse(MINIMAL + """
                train:
                  rungs:
                    - {train_images: 2000, epochs: 1, augment: {shift: 1}, weight_decay: 0.01}
                    - {train_images: 4000}
                    - {train_images: 8000, augment: {}, weight_decay: 0}
                  promote: 0.5
                  full: {epochs: 20, augment: {shift: 2, flip: true}, weight_decay: 5e-2}
                """, "reg.yaml");
        assertEquals(new TrainBudget.Augment(1, false), s.rungs().get(0).augment());
        assertEquals(0.01, s.rungs().get(0).weightDecay());
        assertEquals(s.rungs().get(0).augment(), s.rungs().get(1).augment(), "inherited from the rung before");
        assertEquals(0.01, s.rungs().get(1).weightDecay());
        assertEquals(TrainBudget.Augment.NONE, s.rungs().get(2).augment(), "{} switches it off");
        assertEquals(0.0, s.rungs().get(2).weightDecay());
        assertEquals(new TrainBudget(20, 60_000, 0, 10_000, 64, 1e-3, 42, new TrainBudget.Augment(2, true), 0.05),
                s.full());
        assertTrue(s.full().regularises());
        SearchSpace none = SpaceLoader.parse(MINIMAL, "none.yaml");
        assertEquals(TrainBudget.Augment.NONE, none.full().augment());
        assertEquals(0.0, none.full().weightDecay());
        assertTrue(!none.full().regularises() && !none.proxy().regularises());
    }

    @Test
    void regularisationErrorsNameTheField() {
        java.util.function.Function<String, String> error = full -> assertThrows(SpaceException.class,
                () -> SpaceLoader.parse(MINIMAL + "train:\n  full: " + full + "\n", "r.yaml")).getMessage();
        assertEquals("r.yaml:6: train.full.augment.shift must be in [0, 16], but was -1",
                error.apply("{augment: {shift: -1}}"));
        assertEquals("r.yaml:6: train.full.augment.shift must be in [0, 16], but was 17",
                error.apply("{augment: {shift: 17}}"));
        assertEquals("r.yaml:6: train.full.augment.shift must be an integer, but was 1.5",
                error.apply("{augment: {shift: 1.5}}"));
        String flip = error.apply("{augment: {flip: 1}}");
        assertTrue(flip.startsWith("r.yaml:6: train.full.augment.flip must be true or false, but was"), flip);
        String unknown = error.apply("{augment: {rotate: 10}}");
        assertTrue(unknown.startsWith("r.yaml:6: train.full.augment.rotate is not a known key"), unknown);
        assertTrue(unknown.endsWith("known keys: shift, flip"), unknown);
        String scalar = error.apply("{augment: true}");
        assertTrue(scalar.startsWith("r.yaml:6: train.full.augment must be a mapping"), scalar);
        assertEquals("r.yaml:6: train.full.weight_decay must be in [0, 1.0] (decoupled weight decay per unit of"
                + " learning rate; 0 = none), but was -1.0E-4", error.apply("{weight_decay: -1e-4}"));
        String text = error.apply("{weight_decay: lots}");
        assertTrue(text.startsWith("r.yaml:6: train.full.weight_decay must be a finite number"), text);
        String proxy = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL
                + "train:\n  proxy:\n    augment:\n      shift: -2\n", "p.yaml")).getMessage();
        assertEquals("p.yaml:8: train.proxy.augment.shift must be in [0, 16], but was -2", proxy);
        assertEquals("augment.shift must be in [0, 16], but was 20", assertThrows(IllegalArgumentException.class,
                () -> new TrainBudget.Augment(20, false)).getMessage());
        assertEquals("weight_decay must be in [0, 1.0], but was -1.0", assertThrows(IllegalArgumentException.class,
                () -> new TrainBudget(1, 1, 0, 1, 1, 0.1, 1, TrainBudget.Augment.NONE, -1)).getMessage());
    }

    @Test
    void blockFieldsInheritFromStageThenDefaults() {
        SearchSpace s = SpaceLoader.parse("""
                name: inherit
                dataset: cifar10
                defaults: {kernel: 5, activation: poly2, batchnorm: false, channels: 4}
                stages:
                  - kernel: 7
                    blocks:
                      - {type: conv}
                      - {type: conv, kernel: 1, channels: 6}
                  - blocks:
                      - {type: conv}
                """, "inherit.yaml");
        ActivationKind p2 = ActivationKind.POLY2;
        assertEquals(List.of(new Layer.Conv(4, 7, 1), new Layer.Activation(p2),
                new Layer.Conv(6, 1, 1), new Layer.Activation(p2),
                new Layer.Conv(4, 5, 1), new Layer.Activation(p2),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)), s.fixed().layers());
    }

    @Test
    void aStageFieldMustMatterToOneOfItsBlocks() {
        SpaceException e = assertThrows(SpaceException.class, () -> SpaceLoader.parse("""
                name: stage
                dataset: fashion-mnist
                stages:
                  - squeeze: 4
                    blocks: [{type: conv, channels: 8}]
                """, "stage.yaml"));
        assertEquals("stage.yaml:4: stages[0].squeeze does not apply to any block of this stage (squeeze is used by"
                + " fire)", e.getMessage());
    }

    @Test
    void aBlockNeedsAType() {
        SpaceException e = assertThrows(SpaceException.class, () -> SpaceLoader.parse("""
                name: notype
                dataset: fashion-mnist
                stages:
                  - blocks:
                      - {channels: 8}
                """, "t.yaml"));
        assertEquals("t.yaml:5: stages[0].blocks[0].type is required (set it on the block, its stage or in defaults);"
                + " one of [conv, depthwise, pointwise, separable, fire, inverted]", e.getMessage());
    }

    @Test
    void referencesAreFixedArchitecturesNamedAsWritten() {
        SearchSpace s = SpaceLoader.parse(MINIMAL + """
                references:
                  - name: ref-a
                    stages: [{blocks: [{type: separable, channels: 8}]}]
                    head: {type: flatten-dense}
                  - name: ref-b
                    defaults: {activation: none, batchnorm: false}
                    stages: [{blocks: [{type: pointwise, channels: 3}]}]
                """, "refs.yaml");
        assertEquals(List.of("ref-a", "ref-b"), s.references().stream().map(a -> a.name()).toList());
        assertEquals(List.of(new Layer.SeparableBlock(8, 3, 1, ActivationKind.SQUARE, true), new Layer.Dense(10)),
                s.references().get(0).layers());
        assertEquals(List.of(new Layer.PointwiseConv(3), new Layer.GlobalAvgPool(), new Layer.Dense(10)),
                s.references().get(1).layers());
        SpaceException dup = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL + """
                references:
                  - {name: r, stages: [{blocks: [{type: conv, channels: 8}]}]}
                  - {name: r, stages: [{blocks: [{type: conv, channels: 4}]}]}
                """, "refs.yaml"));
        assertEquals("refs.yaml:7: references[1].name repeats the reference name 'r' of line 6; reference names must be"
                + " distinct", dup.getMessage());
        SpaceException bad = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL + """
                references:
                  - name: r
                    stages:
                      - blocks: [{type: conv, channels: 8, stride: 2}]
                        pool: 2
                      - blocks: [{type: conv, channels: 8}]
                        pool: 2
                """, "refs.yaml"));
        assertEquals("refs.yaml:11: references[0] is not a valid architecture: references[0].stages[1].pool: avgpool"
                + " size 2 must divide the 7x7 map", bad.getMessage());
    }

    @Test
    void hashIgnoresLayoutCommentsAndKeyOrderButNotValues() {
        SearchSpace a = SpaceLoader.parse(MINIMAL, "a.yaml");
        SearchSpace b = SpaceLoader.parse("""
                # the same space, written differently
                dataset: "fashion-mnist"
                stages:
                  - blocks:
                      - channels: 8     # width
                        type: conv
                name: minimal
                """, "b.yaml");
        SearchSpace c = SpaceLoader.parse(MINIMAL.replace("channels: 8", "channels: 9"), "c.yaml");
        assertTrue(a.sha256().matches("[0-9a-f]{64}"), a.sha256());
        assertEquals(a.sha256(), b.sha256());
        assertNotEquals(a.sha256(), c.sha256());
        // a quoted number is a different value from a number (and is rejected where a number is expected)
        SpaceException e = assertThrows(SpaceException.class, () -> SpaceLoader.parse(
                MINIMAL.replace("channels: 8", "channels: \"8\""), "q.yaml"));
        assertEquals("q.yaml:4: stages[0].blocks[0].channels must be an integer, but was '8'", e.getMessage());
    }

    @Test
    void anchorsAndAliasesWork() {
        SearchSpace s = SpaceLoader.parse("""
                name: aliases
                dataset: fashion-mnist
                stages:
                  - blocks: [&b {type: conv, channels: 8, stride: 2}]
                  - blocks: [*b]
                """, "aliases.yaml");
        assertEquals(2, s.fixed().layers().stream().filter(l -> l.equals(new Layer.Conv(8, 3, 2))).count());
    }

    @Test
    void hugeAndOddNumbersGetClearErrors() {
        SpaceException big = assertThrows(SpaceException.class, () -> SpaceLoader.parse(
                MINIMAL.replace("channels: 8", "channels: 99999999999999999999"), "n.yaml"));
        assertEquals("n.yaml:4: stages[0].blocks[0].channels must be in [1, 1024], but was 99999999999999999999",
                big.getMessage());
        SpaceException real = assertThrows(SpaceException.class, () -> SpaceLoader.parse(
                MINIMAL.replace("channels: 8", "channels: 8.5"), "n.yaml"));
        assertEquals("n.yaml:4: stages[0].blocks[0].channels must be an integer, but was 8.5", real.getMessage());
        SpaceException map = assertThrows(SpaceException.class, () -> SpaceLoader.parse(
                MINIMAL.replace("channels: 8", "channels: {min: 8}"), "n.yaml"));
        assertEquals("n.yaml:4: stages[0].blocks[0].channels must be a single value or a list of choices, but was a"
                + " mapping", map.getMessage());
        assertEquals(16, ((Layer.Conv) SpaceLoader.parse(MINIMAL.replace("channels: 8", "channels: 0x10"), "h.yaml")
                .fixed().layers().getFirst()).channels());
    }

    @Test
    void secondDocumentIsAnError() {
        SpaceException e = assertThrows(SpaceException.class, () -> SpaceLoader.parse(MINIMAL + "---\nname: two\n",
                "two.yaml"));
        assertTrue(e.getMessage().startsWith("two.yaml:5: is not valid YAML: "), e.getMessage());
    }

    @Test
    void recursiveAliasesAreRejectedNotFollowed() {
        SpaceException e = assertThrows(SpaceException.class, () -> SpaceLoader.parse("""
                name: loop
                dataset: fashion-mnist
                stages: &s
                  - blocks: *s
                """, "loop.yaml"));
        assertTrue(e.getMessage().startsWith("loop.yaml:"), e.getMessage());
        SpaceException k = assertThrows(SpaceException.class, () -> SpaceLoader.parse("""
                name: loop
                dataset: fashion-mnist
                stages:
                  - blocks:
                      - &b {type: conv, channels: [8, *b]}
                """, "loop.yaml"));
        assertTrue(k.getMessage().startsWith("loop.yaml:5: stages[0].blocks[0].channels"), k.getMessage());
    }
}
