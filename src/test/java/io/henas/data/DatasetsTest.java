package io.henas.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path tmp;

    @Test
    void shippedSubsetIsStratifiedAndNormalised() throws IOException {
        DataSplit s = Datasets.shippedSubset();
        assertTrue(s.shipped());
        assertEquals(6000, s.train().size());
        assertEquals(1000, s.test().size());
        for (int c : s.train().classCounts()) {
            assertEquals(600, c);
        }
        for (int c : s.test().classCounts()) {
            assertEquals(100, c);
        }
        assertEquals(784, s.train().imageSize());
        double max = 0;
        double min = 1;
        for (int i = 0; i < 50; i++) {
            for (double v : s.train().image(i)) {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }
        assertEquals(0.0, min);
        assertEquals(1.0, max);
    }

    @Test
    void directoryRoundTripAndCountMismatch() throws IOException {
        DataSplit s = Datasets.shippedSubset();
        Dataset small = s.train().head(30);
        Idx.writeImagesGz(tmp.resolve("train-images-idx3-ubyte.gz"), small.toIdxImages());
        Idx.writeLabelsGz(tmp.resolve("train-labels-idx1-ubyte.gz"), small.labelBytes());
        Idx.writeImagesGz(tmp.resolve("t10k-images-idx3-ubyte.gz"), small.toIdxImages());
        // plain (not gzipped) labels with one label too few
        byte[] fewer = java.util.Arrays.copyOf(small.labelBytes(), 29);
        byte[] plain = java.nio.ByteBuffer.allocate(8 + 29).putInt(Idx.LABELS_MAGIC).putInt(29).put(fewer).array();
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte"), plain);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Datasets.fashionMnist(Optional.of(tmp)));
        assertTrue(e.getMessage().contains("30 images") && e.getMessage().contains("29 labels"), e.getMessage());

        Files.delete(tmp.resolve("t10k-labels-idx1-ubyte"));
        Idx.writeLabelsGz(tmp.resolve("t10k-labels-idx1-ubyte.gz"), small.labelBytes());
        DataSplit d = Datasets.fashionMnist(Optional.of(tmp));
        assertFalse(d.shipped());
        assertEquals(tmp.toString(), d.source());
        assertArrayEquals(small.image(7), d.test().image(7));
        assertEquals(small.label(7), d.test().label(7));
    }

    @Test
    void missingFileInGivenDirectoryIsAnError() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Datasets.fashionMnist(Optional.of(tmp)));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void stratifiedSampleIsSeededAndBalanced() throws IOException {
        Dataset train = Datasets.shippedSubset().train();
        int[] a = train.stratifiedIndices(20, 1);
        assertArrayEquals(a, train.stratifiedIndices(20, 1));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(train.stratifiedIndices(20, 2)));
        for (int c : train.select("x", a).classCounts()) {
            assertEquals(20, c);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train.stratifiedIndices(601, 1));
        assertTrue(e.getMessage().contains("at least 601"), e.getMessage());
    }
}
