package io.henas.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

/**
 * Test utility: writes tiny data sets in the real file formats (CIFAR-10 binary, NumPy archives uint8 NHWC and
 * float32 NCHW, a PNG image folder), each with a fixed architecture file that trains on it, so the loaders can be
 * tested and the README's commands rerun without the real datasets. Images are learnable: every class has its own
 * colour (a fixed palette) plus seeded uniform noise of +-30 per value; label {@code i} is {@code i % classes}.
 *
 * <p>Usage (after {@code mvn -B -q -o test-compile}):
 * {@code java -cp target/classes:target/test-classes io.henas.data.TinyData OUT_DIR} writes
 * {@code OUT_DIR/cifar10/} + {@code cifar10.yaml}, {@code npz-u8/} + {@code npz-u8.yaml}, {@code npz-f32/} +
 * {@code npz-f32.yaml} and {@code folder/} + {@code folder.yaml}.
 */
public final class TinyData {
    static final int[][] PALETTE = {{230, 25, 75}, {60, 180, 75}, {255, 225, 25}, {0, 130, 200}, {245, 130, 48},
            {145, 30, 180}, {70, 240, 240}, {240, 50, 230}, {210, 245, 60}, {128, 128, 128}};
    public static final int CIFAR_TRAIN = 500;
    public static final int CIFAR_TEST = 100;
    public static final int NPZ_SIDE = 8;
    public static final int NPZ_CLASSES = 4;
    public static final int NPZ_TRAIN = 600;
    public static final int FOLDER_SIDE = 12;
    public static final int FOLDER_CLASSES = 3;
    public static final int FOLDER_TRAIN = 300;

    private TinyData() {
    }

    /** Label of image {@code i}. */
    public static int label(int i, int classes) {
        return i % classes;
    }

    /**
     * {@code n} images of {@code c x h x w} unsigned bytes in C-H-W order, class colour plus noise (grey images use the
     * colour's mean).
     */
    public static byte[] images(int n, int c, int h, int w, int classes, long seed) {
        Random rnd = new Random(seed);
        byte[] out = new byte[n * c * h * w];
        for (int i = 0; i < n; i++) {
            int[] col = PALETTE[label(i, classes)];
            for (int ch = 0; ch < c; ch++) {
                int base = c == 1 ? (col[0] + col[1] + col[2]) / 3 : col[ch];
                for (int p = 0; p < h * w; p++) {
                    out[(i * c + ch) * h * w + p] = (byte) Math.max(0, Math.min(255, base + rnd.nextInt(61) - 30));
                }
            }
        }
        return out;
    }

    /** Labels of {@code n} images. */
    public static byte[] labels(int n, int classes) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) label(i, classes);
        }
        return l;
    }

    /** CIFAR-10 binary records: label byte, then the 3 x 32 x 32 bytes. */
    public static byte[] cifarRecords(int n, long seed) {
        byte[] px = images(n, 3, 32, 32, 10, seed);
        byte[] out = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            out[i * Cifar10.RECORD] = (byte) label(i, 10);
            System.arraycopy(px, i * 3072, out, i * Cifar10.RECORD + 1, 3072);
        }
        return out;
    }

    /** A {@code .npy} file: version 1.0 header padded to 64 bytes, then {@code data}. */
    public static byte[] npy(String descr, boolean fortran, long[] shape, byte[] data) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]).append(i + 1 < shape.length || shape.length == 1 ? ", " : "");
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': ("
                + dims.toString().strip() + "), }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    /** C-H-W bytes of {@code n} images as N-H-W-C. */
    public static byte[] toNhwc(byte[] chw, int n, int c, int h, int w) {
        byte[] out = new byte[chw.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    out[(i * h * w + p) * c + ch] = chw[(i * c + ch) * h * w + p];
                }
            }
        }
        return out;
    }

    /** Bytes 0..255 as little-endian float32 values 0.0..255.0. */
    public static byte[] asFloat32(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocate(4 * bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        for (byte x : bytes) {
            b.putFloat(x & 0xff);
        }
        return b.array();
    }

    /** Labels as little-endian int64 (NumPy's default integer). */
    public static byte[] asInt64(byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
        for (byte x : labels) {
            b.putLong(x & 0xff);
        }
        return b.array();
    }

    /** A zip of named entries (an {@code .npz} when they are {@code .npy} files). */
    public static byte[] zip(Object... nameThenBytes) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            for (int i = 0; i < nameThenBytes.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) nameThenBytes[i]));
                z.write((byte[]) nameThenBytes[i + 1]);
                z.closeEntry();
            }
        }
        return bo.toByteArray();
    }

    /** The uint8 NHWC archive's split: images {@code n x 8 x 8 x 3}, int64 labels. */
    public static byte[][] npzU8Split(int n, long seed) {
        byte[] chw = images(n, 3, NPZ_SIDE, NPZ_SIDE, NPZ_CLASSES, seed);
        return new byte[][]{npy("|u1", false, new long[]{n, NPZ_SIDE, NPZ_SIDE, 3}, toNhwc(chw, n, 3, NPZ_SIDE,
                NPZ_SIDE)), npy("<i8", false, new long[]{n}, asInt64(labels(n, NPZ_CLASSES))), chw};
    }

    /** The float32 NCHW archive's split: values 0..255 as float32, uint8 labels shaped (n, 1). */
    public static byte[][] npzF32Split(int n, long seed) {
        byte[] chw = images(n, 3, NPZ_SIDE, NPZ_SIDE, NPZ_CLASSES, seed);
        return new byte[][]{npy("<f4", false, new long[]{n, 3, NPZ_SIDE, NPZ_SIDE}, asFloat32(chw)),
                npy("|u1", false, new long[]{n, 1}, labels(n, NPZ_CLASSES)), chw};
    }

    /** Writes an RGB PNG of C-H-W bytes. */
    public static void png(Path f, byte[] chw, int off, int h, int w) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int r = chw[off + p] & 0xff;
                int g = chw[off + h * w + p] & 0xff;
                int b = chw[off + 2 * h * w + p] & 0xff;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ImageIO.write(img, "png", f.toFile());
    }

    /** Class directory names of the folder set. */
    public static String className(int k) {
        return new String[]{"0-red", "1-green", "2-yellow"}[k]; // sorted names = label order
    }

    /** Writes a folder split ({@code n} images) and returns their C-H-W bytes in loading order (class, then name). */
    public static byte[] folderSplit(Path splitDir, int n, long seed) throws IOException {
        int per = 3 * FOLDER_SIDE * FOLDER_SIDE;
        byte[] chw = images(n, 3, FOLDER_SIDE, FOLDER_SIDE, FOLDER_CLASSES, seed);
        byte[] ordered = new byte[chw.length];
        int k = 0;
        for (int c = 0; c < FOLDER_CLASSES; c++) {
            Path d = Files.createDirectories(splitDir.resolve(className(c)));
            for (int i = c; i < n; i += FOLDER_CLASSES) {
                png(d.resolve(String.format("img%04d.png", i)), chw, i * per, FOLDER_SIDE, FOLDER_SIDE);
                System.arraycopy(chw, i * per, ordered, k++ * per, per);
            }
        }
        return ordered;
    }

    private static String arch(String name, String dataset, int c, int side, int classes, String pre, int train,
                               int test, int channels, int stride) {
        return "# Tiny fixed architecture for generated " + dataset + " data (io.henas.data.TinyData)\n"
                + "name: " + name + "\ndataset: " + dataset + "\ninput: [" + c + ", " + side + ", " + side + "]\n"
                + "classes: " + classes + "\n" + pre
                + "defaults: {activation: square, batchnorm: true}\n"
                + "stages:\n  - blocks: [{type: conv, channels: " + channels + ", kernel: 3, stride: " + stride + "}]\n"
                + "head: {type: gap-dense}\n"
                + "train:\n  full: {epochs: 2, train_images: " + train + ", test_images: " + test
                + ", batch_size: 16, learning_rate: 0.02, seed: 1}\nhe: {merge: true}\n";
    }

    /** Writes every set and its architecture file into {@code out}. */
    public static void writeAll(Path out) throws IOException {
        Path cifar = Files.createDirectories(out.resolve("cifar10"));
        Files.write(cifar.resolve("data_batch_1.bin"), cifarRecords(CIFAR_TRAIN, 1));
        Files.write(cifar.resolve("test_batch.bin"), cifarRecords(CIFAR_TEST, 2));
        Files.writeString(out.resolve("cifar10.yaml"), arch("tiny-cifar10", "cifar10", 3, 32, 10,
                "preprocessing: {mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]}\n", CIFAR_TRAIN, CIFAR_TEST, 4, 2));
        Path u8 = Files.createDirectories(out.resolve("npz-u8"));
        byte[][] tr = npzU8Split(NPZ_TRAIN, 3);
        byte[][] te = npzU8Split(40, 4);
        Files.write(u8.resolve("data.npz"), zip("x_train.npy", tr[0], "y_train.npy", tr[1], "x_test.npy", te[0],
                "y_test.npy", te[1]));
        Files.writeString(out.resolve("npz-u8.yaml"), arch("tiny-npz-u8", "npz", 3, NPZ_SIDE, NPZ_CLASSES, "", NPZ_TRAIN,
                40, 4, 1));
        Path f32 = Files.createDirectories(out.resolve("npz-f32"));
        tr = npzF32Split(NPZ_TRAIN, 5);
        te = npzF32Split(40, 6);
        Files.write(f32.resolve("data.npz"), zip("x_train.npy", tr[0], "y_train.npy", tr[1], "x_test.npy", te[0],
                "y_test.npy", te[1]));
        Files.writeString(out.resolve("npz-f32.yaml"), arch("tiny-npz-f32", "npz", 3, NPZ_SIDE, NPZ_CLASSES,
                "preprocessing: {scale: 0.00392156862745098}\n", NPZ_TRAIN, 40, 4, 1));
        Path folder = Files.createDirectories(out.resolve("folder"));
        folderSplit(folder.resolve("train"), FOLDER_TRAIN, 7);
        folderSplit(folder.resolve("test"), 30, 8);
        Files.writeString(out.resolve("folder.yaml"), arch("tiny-folder", "folder", 3, FOLDER_SIDE, FOLDER_CLASSES,
                "", FOLDER_TRAIN, 30, 4, 1));
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "tiny-data");
        writeAll(out);
        System.out.println("wrote cifar10/, npz-u8/, npz-f32/, folder/ and their architecture files to " + out);
    }

}
