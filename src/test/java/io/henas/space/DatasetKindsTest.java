package io.henas.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.ir.Shape;

/** {@code dataset:} kinds with declared input and classes, and the {@code preprocessing:} section. */
class DatasetKindsTest {
    private static final String BODY = "defaults: {activation: square, batchnorm: true}\n"
            + "stages:\n  - blocks: [{type: conv, channels: 4, kernel: 3, stride: 2}]\nhead: {type: gap-dense}\n";

    private static SearchSpace parse(String head) {
        return SpaceLoader.parse("name: t\n" + head + BODY, "t.yaml");
    }

    private static void assertError(String head, String part) {
        SpaceException e = assertThrows(SpaceException.class, () -> parse(head));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void declaredKindsTakeInputAndClassesFromTheFile() {
        SearchSpace s = parse("dataset: npz\ninput: [3, 8, 8]\nclasses: 4\n");
        assertEquals("npz", s.dataset());
        assertEquals(new Shape(3, 8, 8), s.input());
        assertEquals(4, s.classes());
        assertEquals(new Shape(3, 8, 8), s.fixed().input());
        assertTrue(s.datasetInfo().preprocessing().isNone());
        assertEquals(new Shape(1, 28, 28), parse("dataset: mnist\n").input());
        assertEquals(new Shape(3, 32, 32), parse("dataset: cifar10\n").input());
    }

    @Test
    void preprocessingIsParsedAndWrittenBack() {
        SearchSpace s = parse("dataset: cifar10\npreprocessing:\n  scale: 2\n  mean: [0.5, 0.4, 0.3]\n"
                + "  std: [0.25, 0.5, 1]\n");
        Dataset.Preprocessing p = s.datasetInfo().preprocessing();
        assertEquals(2.0, p.scale());
        assertEquals(List.of(0.5, 0.4, 0.3), p.mean());
        assertEquals(List.of(0.25, 0.5, 1.0), p.std());
        SearchSpace back = SpaceLoader.parse(SpaceWriter.fixedYaml(s.fixed(), s), "back.yaml");
        assertEquals(s.datasetInfo(), back.datasetInfo());
        SearchSpace f = parse("dataset: folder\ninput: [1, 12, 12]\nclasses: 3\npreprocessing: {resize: true}\n");
        assertTrue(f.datasetInfo().preprocessing().resize());
        assertEquals(f.datasetInfo(), SpaceLoader.parse(SpaceWriter.fixedYaml(f.fixed(), f), "b.yaml").datasetInfo());
    }

    @Test
    void fashionMnistFilesAreWrittenAsBefore() {
        SearchSpace s = SpaceLoader.load(Path.of("search-spaces", "fashion-cnn.yaml"));
        assertFalse(SpaceWriter.fixedYaml(s.fixed(), s).contains("preprocessing"));
        assertEquals(Dataset.FASHION_MNIST, s.datasetInfo());
    }

    @Test
    void badDeclarationsNameTheField() {
        assertError("dataset: npz\nclasses: 4\n", "needs input");
        assertError("dataset: folder\ninput: [3, 8, 8]\n", "needs classes");
        assertError("dataset: folder\ninput: [2, 8, 8]\nclasses: 3\n", "1 (grey) or 3 (RGB) channels");
        assertError("dataset: cifar10\ninput: [1, 32, 32]\n", "must be [3, 32, 32]");
        assertError("dataset: imagenet\n", "imagenet");
        assertError("dataset: cifar10\npreprocessing: {mean: [0.5, 0.5], std: [1, 1]}\n", "one mean per channel (3)");
        assertError("dataset: cifar10\npreprocessing: {mean: [0.5, 0.5, 0.5]}\n", "both mean and std");
        assertError("dataset: cifar10\npreprocessing: {mean: [0, 0, 0], std: [1, 0, 1]}\n", "> 0");
        assertError("dataset: cifar10\npreprocessing: {scale: 0}\n", "non-zero");
        assertError("dataset: cifar10\npreprocessing: {resize: true}\n", "image folders only");
        assertError("dataset: cifar10\npreprocessing: {shift: 1}\n", "shift");
    }
}
