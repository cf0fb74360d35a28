package io.henas.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR-10, NumPy and image-folder loaders on generated files ({@link TinyData}): values, labels and refusals. */
class OwnDataLoadersTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws IOException {
        TinyData.writeAll(dir);
    }

    private static void assertImages(byte[] chw, byte[] labels, Dataset d) {
        assertEquals(labels.length, d.size());
        int n = d.imageSize();
        for (int i = 0; i < d.size(); i++) {
            assertEquals(labels[i] & 0xff, d.label(i), "label " + i);
            double[] img = d.image(i);
            for (int j = 0; j < n; j++) {
                assertEquals((chw[i * n + j] & 0xff) / 255.0, img[j], 1e-7, "image " + i + " value " + j);
            }
        }
    }

    private static DataSpec spec(DataKind k, int c, int side, int classes) {
        return new DataSpec(k, c, side, side, classes, Preprocessing.IDENTITY);
    }

    @Test
    void cifar10BinaryLoadsTheGeneratorsValuesAndLabels() throws IOException {
        DataSplit s = Datasets.load(spec(DataKind.CIFAR10, 3, 32, 10), Optional.of(dir.resolve("cifar10")));
        byte[] rec = TinyData.cifarRecords(TinyData.CIFAR_TRAIN, 1);
        byte[] px = TinyData.images(TinyData.CIFAR_TRAIN, 3, 32, 32, 10, 1);
        assertEquals(3, s.train().channels());
        assertImages(px, TinyData.labels(TinyData.CIFAR_TRAIN, 10), s.train());
        assertEquals(rec[Cifar10.RECORD] & 0xff, s.train().label(1));
        assertImages(TinyData.images(TinyData.CIFAR_TEST, 3, 32, 32, 10, 2), TinyData.labels(TinyData.CIFAR_TEST, 10),
                s.test());
    }

    @Test
    void npzUint8NhwcAndFloat32NchwLoadTheSameLayout() throws IOException {
        DataSpec sp = spec(DataKind.NPZ, 3, TinyData.NPZ_SIDE, TinyData.NPZ_CLASSES);
        DataSplit u8 = Datasets.load(sp, Optional.of(dir.resolve("npz-u8")));
        assertImages(TinyData.npzU8Split(TinyData.NPZ_TRAIN, 3)[2], TinyData.labels(TinyData.NPZ_TRAIN, TinyData.NPZ_CLASSES), u8.train());
        assertImages(TinyData.npzU8Split(40, 4)[2], TinyData.labels(40, TinyData.NPZ_CLASSES), u8.test());
        DataSplit f32 = Datasets.load(sp, Optional.of(dir.resolve("npz-f32").resolve("data.npz")));
        byte[] chw = TinyData.npzF32Split(TinyData.NPZ_TRAIN, 5)[2];
        for (int i = 0; i < TinyData.NPZ_TRAIN; i++) {
            double[] img = f32.train().image(i);
            for (int j = 0; j < img.length; j++) {
                assertEquals(chw[i * img.length + j] & 0xff, img[j], 0, "float32 values are taken as stored");
            }
            assertEquals(TinyData.label(i, TinyData.NPZ_CLASSES), f32.train().label(i));
        }
    }

    @Test
    void mnistIsReadFromIdxFilesAndNeedsData() throws IOException {
        DataSplit shipped = Datasets.shippedSubset();
        Path m = Files.createDirectories(dir.resolve("mnist"));
        Idx.writeImagesGz(m.resolve("train-images-idx3-ubyte.gz"), shipped.train().head(30).toIdxImages());
        Idx.writeLabelsGz(m.resolve("train-labels-idx1-ubyte.gz"), shipped.train().head(30).labelBytes());
        Idx.writeImagesGz(m.resolve("t10k-images-idx3-ubyte.gz"), shipped.test().head(10).toIdxImages());
        Idx.writeLabelsGz(m.resolve("t10k-labels-idx1-ubyte.gz"), shipped.test().head(10).labelBytes());
        DataSplit s = Datasets.load(spec(DataKind.MNIST, 1, 28, 10), Optional.of(m));
        assertEquals(30, s.train().size());
        assertArrayEquals(shipped.train().image(7), s.train().image(7));
        assertTrue(s.train().name().startsWith("mnist"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.load(spec(DataKind.MNIST, 1, 28, 10), Optional.empty()));
        assertTrue(e.getMessage().contains("needs --data"), e.getMessage());
        IOException shape = assertThrows(IOException.class,
                () -> Datasets.load(spec(DataKind.CIFAR10, 3, 30, 10), Optional.of(dir.resolve("cifar10"))));
        assertTrue(shape.getMessage().contains("3x30x30"), shape.getMessage());
    }

    @Test
    void folderLoadsPngsInClassThenNameOrder() throws IOException {
        DataSplit s = Datasets.load(spec(DataKind.FOLDER, 3, TinyData.FOLDER_SIDE, TinyData.FOLDER_CLASSES),
                Optional.of(dir.resolve("folder")));
        Path other = Files.createDirectories(dir.resolve("folder-copy"));
        byte[] chw = TinyData.folderSplit(other.resolve("train"), TinyData.FOLDER_TRAIN, 7);
        byte[] labels = new byte[TinyData.FOLDER_TRAIN];
        int k = 0;
        for (int c = 0; c < 3; c++) {
            for (int i = c; i < TinyData.FOLDER_TRAIN; i += 3) {
                labels[k++] = (byte) c;
            }
        }
        assertImages(chw, labels, s.train());
        assertEquals(30, s.test().size());
        assertEquals(List.of("0-red", "1-green", "2-yellow"), ImageFolder.classes(dir.resolve("folder").resolve("train")),
                "classes are sorted names");
    }

    @Test
    void folderImagesOfAnotherSizeAreRejectedOrResized() throws IOException {
        Path f = Files.createDirectories(dir.resolve("folder-sizes"));
        TinyData.folderSplit(f.resolve("train"), 6, 1);
        TinyData.folderSplit(f.resolve("test"), 3, 2);
        byte[] big = TinyData.images(1, 3, 20, 20, 3, 3);
        Path odd = f.resolve("train").resolve("0-red").resolve("big.png");
        TinyData.png(odd, big, 0, 20, 20);
        DataSpec reject = spec(DataKind.FOLDER, 3, TinyData.FOLDER_SIDE, 3);
        IOException e = assertThrows(DataFormatException.class, () -> Datasets.load(reject, Optional.of(f)));
        assertTrue(e.getMessage().contains("big.png") && e.getMessage().contains("20x20"), e.getMessage());
        DataSpec resize = new DataSpec(DataKind.FOLDER, 3, TinyData.FOLDER_SIDE, TinyData.FOLDER_SIDE, 3,
                new Preprocessing(1, new double[0], new double[0], true));
        assertEquals(7, Datasets.load(resize, Optional.of(f)).train().size());
        DataSpec grey = spec(DataKind.FOLDER, 1, TinyData.FOLDER_SIDE, 3);
        Files.delete(odd);
        Dataset g = Datasets.load(grey, Optional.of(f)).train();
        assertEquals(1, g.channels());
    }

    @Test
    void preprocessingAppliesPerChannelAndRoundTripsThroughJson() throws IOException {
        Preprocessing p = new Preprocessing(2, new double[]{0.5, 1, 0}, new double[]{0.5, 2, 4}, false);
        assertArrayEquals(new double[]{-1, 1, -0.5, 0.5, 0.5, 0.5}, p.apply(new double[]{0, 0.5, 0, 1, 1, 1}, 3), 1e-12);
        DataSpec s = new DataSpec(DataKind.CIFAR10, 3, 32, 32, 10, p);
        Map<String, Object> j = io.henas.data.DataSpecJsonShim.roundTrip(s.toJson());
        assertEquals(s, DataSpec.fromJson(j, "test"));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessing(1, new double[]{0}, new double[]{0},
                false));
        assertThrows(IllegalArgumentException.class, () -> new DataSpec(DataKind.CIFAR10, 3, 32, 32, 10,
                new Preprocessing(1, new double[]{0}, new double[]{1}, false)));
    }

    // ------------------------------------------------------------------ refusals, each naming the file

    private static void assertRefused(String fileNamePart, DataSpec spec, Path data) {
        IOException e = assertThrows(IOException.class, () -> Datasets.load(spec, Optional.of(data)));
        assertTrue(e.getMessage().contains(fileNamePart), e.getMessage());
    }

    @Test
    void badCifarFilesAreRefusedNamingTheFile() throws IOException {
        DataSpec sp = spec(DataKind.CIFAR10, 3, 32, 10);
        Path t = Files.createDirectories(dir.resolve("cifar-trunc"));
        byte[] rec = TinyData.cifarRecords(3, 1);
        Files.write(t.resolve("data_batch_1.bin"), Arrays.copyOf(rec, rec.length - 5));
        Files.write(t.resolve("test_batch.bin"), rec);
        assertRefused("data_batch_1.bin", sp, t);
        Path l = Files.createDirectories(dir.resolve("cifar-label"));
        byte[] bad = rec.clone();
        bad[Cifar10.RECORD] = 10;
        Files.write(l.resolve("data_batch_1.bin"), rec);
        Files.write(l.resolve("test_batch.bin"), bad);
        assertRefused("test_batch.bin: record 1 label must be in [0, 10), but was 10", sp, l);
        Path m = Files.createDirectories(dir.resolve("cifar-missing"));
        Files.write(m.resolve("data_batch_1.bin"), rec);
        assertRefused("test_batch.bin", sp, m);
    }

    private static Path npz(String name, byte[] xTrain, byte[] yTrain, byte[] xTest, byte[] yTest) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.write(d.resolve("data.npz"), TinyData.zip("x_train.npy", xTrain, "y_train.npy", yTrain, "x_test.npy",
                xTest, "y_test.npy", yTest));
        return d;
    }

    @Test
    void badNpzArraysAreRefusedNamingTheArray() throws IOException {
        DataSpec sp = spec(DataKind.NPZ, 3, 8, 4);
        byte[][] a = TinyData.npzU8Split(10, 1);
        byte[][] b = TinyData.npzU8Split(5, 2);
        byte[] fortran = TinyData.npy("|u1", true, new long[]{10, 8, 8, 3}, new byte[10 * 192]);
        assertRefused("x_train.npy: arrays must be in C order", sp, npz("npz-fortran", fortran, a[1], b[0], b[1]));
        byte[] f64 = TinyData.npy("<f8", false, new long[]{10, 8, 8, 3}, new byte[8 * 10 * 192]);
        assertRefused("x_train.npy: dtype must be one of", sp, npz("npz-f64", f64, a[1], b[0], b[1]));
        byte[] mixed = TinyData.npy("|u1", false, new long[]{5, 8, 6, 3}, new byte[5 * 144]);
        assertRefused("x_test.npy: images must have shape (N, 3, 8, 8) or (N, 8, 8, 3)", sp,
                npz("npz-mixed", a[0], a[1], mixed, b[1]));
        byte[] trunc = Arrays.copyOf(a[0], a[0].length - 7);
        assertRefused("x_train.npy: the header announces", sp, npz("npz-trunc", trunc, a[1], b[0], b[1]));
        byte[] huge = TinyData.npy("|u1", false, new long[]{1L << 40, 8, 8, 3}, new byte[16]);
        assertRefused("x_train.npy: the header announces shape", sp, npz("npz-huge", huge, a[1], b[0], b[1]));
        byte[] labels = TinyData.npy("<i8", false, new long[]{10}, TinyData.asInt64(new byte[]{0, 1, 2, 3, 4, 0, 1,
                2, 3, 0}));
        assertRefused("y_train.npy: label 4 must be in [0, 4), but was 4", sp,
                npz("npz-label", a[0], labels, b[0], b[1]));
        byte[] count = TinyData.npy("<i8", false, new long[]{9}, new byte[72]);
        assertRefused("y_train.npy: labels must have shape (10,)", sp, npz("npz-count", a[0], count, b[0], b[1]));
        Path missing = Files.createDirectories(dir.resolve("npz-missing"));
        Files.write(missing.resolve("data.npz"), TinyData.zip("x_train.npy", a[0]));
        assertRefused("must hold y_train.npy", sp, missing);
        Path notZip = Files.createDirectories(dir.resolve("npz-notzip"));
        Files.write(notZip.resolve("data.npz"), a[0]);
        assertRefused("data.npz: must be a NumPy .npz archive", sp, notZip);
    }

    @Test
    void npyReaderParsesVersionsAndRefusesBigEndianAndLongHeaders() throws IOException {
        byte[] v1 = TinyData.npy("<i4", false, new long[]{2, 2}, new byte[]{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, -1,
                -1, -1, -1});
        Npy.Array a = Npy.read("a.npy", new java.io.ByteArrayInputStream(v1), 1 << 20);
        assertArrayEquals(new long[]{2, 2}, a.shape());
        assertEquals(-1, a.get(3));
        assertEquals("(2, 2)", a.shapeText());
        byte[] be = TinyData.npy(">f4", false, new long[]{1}, new byte[4]);
        IOException e = assertThrows(DataFormatException.class, () -> Npy.read("b.npy",
                new java.io.ByteArrayInputStream(be), 1 << 20));
        assertTrue(e.getMessage().startsWith("b.npy: dtype must be little-endian"), e.getMessage());
        byte[] longHeader = v1.clone();
        longHeader[6] = 2;
        longHeader[8] = 0;
        longHeader[9] = 0;
        e = assertThrows(DataFormatException.class, () -> Npy.read("c.npy",
                new java.io.ByteArrayInputStream(Arrays.copyOf(longHeader, 40)), 1 << 20));
        assertTrue(e.getMessage().startsWith("c.npy:"), e.getMessage());
    }
}
