package io.henas.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;

class SpaceWriterTest {
    private static final Shape MNIST = new Shape(1, 28, 28);

    @Test
    void decodedCandidatesRoundTripThroughAFixedFile() {
        SearchSpace s = SpaceLoader.load(Path.of("search-spaces", "fashion-mobile.yaml"));
        SplittableRandom rnd = new SplittableRandom(3);
        List<Architecture> archs = new ArrayList<>(s.references());
        for (int i = 0; i < 300; i++) {
            int[] g = new int[s.genes().size()];
            for (int j = 0; j < g.length; j++) {
                g[j] = rnd.nextInt(s.genes().get(j).cardinality());
            }
            archs.add(s.decode(g));
        }
        for (Architecture a : archs) {
            String yaml = SpaceWriter.fixedYaml(a, s);
            SearchSpace back = SpaceLoader.parse(yaml, "knee.yaml");
            assertTrue(back.isFixed());
            assertEquals(a.layers(), back.fixed().layers(), yaml);
            assertEquals(a.name(), back.name());
            assertEquals(s.full(), back.full());
            assertEquals(s.proxy(), back.proxy());
            assertEquals(s.he(), back.he());
        }
    }

    @Test
    void regularisedBudgetsRoundTrip() {
        SearchSpace s = SpaceLoader.parse("""
                name: reg
                dataset: fashion-mnist
                stages:
                  - blocks: [{type: conv, channels: [8, 16]}]
                train:
                  proxy: {epochs: 1, train_images: 2000, augment: {flip: true}}
                  full: {epochs: 20, learning_rate: 0.002, augment: {shift: 2, flip: true}, weight_decay: 0.05}
                """, "reg.yaml");
        assertEquals(new TrainBudget.Augment(0, true), s.proxy().augment());
        assertEquals(0.0, s.proxy().weightDecay());
        assertEquals(new TrainBudget.Augment(2, true), s.full().augment());
        assertEquals(0.05, s.full().weightDecay());
        String yaml = SpaceWriter.fixedYaml(s.decode(new int[]{1}), s);
        assertTrue(yaml.contains(", augment: {shift: 2, flip: true}, weight_decay: 0.05}"), yaml);
        SearchSpace back = SpaceLoader.parse(yaml, "knee.yaml");
        assertEquals(s.full(), back.full());
        assertEquals(s.proxy(), back.proxy());
        // a budget without regularisation is written as before the fields existed
        SearchSpace plain = SpaceLoader.load(Path.of("search-spaces", "fashion-mobile.yaml"));
        String plainYaml = SpaceWriter.fixedYaml(plain.decode(new int[plain.genes().size()]), plain);
        assertTrue(!plainYaml.contains("augment") && !plainYaml.contains("weight_decay"), plainYaml);
    }

    @Test
    void fixedShippedFilesRoundTrip() {
        for (String f : List.of("cifar10-squeezenet.yaml", "fashion-cnn.yaml", "quickstart.yaml")) {
            SearchSpace s = SpaceLoader.load(Path.of("search-spaces", f));
            Architecture a = s.isFixed() ? s.fixed() : s.decode(new int[s.genes().size()]);
            Architecture back = SpaceLoader.parse(SpaceWriter.fixedYaml(a, s.dataset()), "x.yaml").fixed();
            assertEquals(a.layers(), back.layers());
        }
    }

    @Test
    void writesAReadableFile() {
        Architecture a = new Architecture("small", MNIST, 10, List.of(
                new Layer.Conv(8, 3, 2), new Layer.BatchNorm(), new Layer.Activation(ActivationKind.SQUARE),
                new Layer.AvgPool(2),
                new Layer.Fire(4, 8, 8, ActivationKind.POLY2, false),
                new Layer.GlobalAvgPool(), new Layer.Dense(16), new Layer.Activation(ActivationKind.SQUARE),
                new Layer.Dense(10)));
        assertEquals("""
                # Fixed architecture written by henas
                # canonical key: %s
                name: small
                dataset: fashion-mnist
                input: [1, 28, 28]
                classes: 10

                stages:
                  - blocks:
                      - {type: conv, channels: 8, kernel: 3, stride: 2, activation: square, batchnorm: true}
                    pool: 2
                  - blocks:
                      - {type: fire, channels: 16, squeeze: 4, activation: poly2, batchnorm: false}

                head:
                  type: gap-dense
                  hidden: 16
                  activation: square
                  batchnorm: false
                """.formatted(SearchSpace.canonicalKey(a)), SpaceWriter.fixedYaml(a, "fashion-mnist"));
    }

    @Test
    void architecturesOutsideTheSchemaAreRejectedWithTheLayer() {
        Architecture bnAlone = new Architecture("bn", MNIST, 10, List.of(new Layer.BatchNorm(),
                new Layer.Conv(4, 3, 1), new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpaceWriter.fixedYaml(bnAlone, "fashion-mnist"));
        assertEquals("architecture bn cannot be written as a space file: layers[0]: a batchnorm layer can only follow"
                + " a block of the schema (or be part of the head)", e.getMessage());
        Architecture unequal = new Architecture("f", MNIST, 10, List.of(
                new Layer.Fire(4, 8, 4, ActivationKind.SQUARE, true), new Layer.GlobalAvgPool(), new Layer.Dense(10)));
        assertEquals("architecture f cannot be written as a space file: layers[0]: a fire block needs equal expands,"
                + " but had expand1=8, expand3=4", assertThrows(IllegalArgumentException.class,
                        () -> SpaceWriter.fixedYaml(unequal, "fashion-mnist")).getMessage());
        Architecture noBlock = new Architecture("d", MNIST, 10, List.of(new Layer.Dense(10)));
        assertEquals("architecture d cannot be written as a space file: layers[0]: a space needs at least one block"
                + " before the head", assertThrows(IllegalArgumentException.class,
                        () -> SpaceWriter.fixedYaml(noBlock, "fashion-mnist")).getMessage());
        assertEquals("architecture d has input 1x28x28 and 10 classes, but dataset cifar10 has 3x32x32 and 10",
                assertThrows(IllegalArgumentException.class, () -> SpaceWriter.fixedYaml(noBlock, "cifar10"))
                        .getMessage());
    }
}
