package io.henas.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reader and writer of the IDX files of (Fashion-)MNIST: unsigned-byte images (magic {@code 0x00000803}, dimensions
 * count, rows, columns) and labels (magic {@code 0x00000801}, count). Files may be gzip-compressed or plain; gzip is
 * detected by its magic bytes {@code 1f 8b}, not by the file name. Every check happens before pixels are copied, and
 * every failure is an {@link IdxFormatException} naming the file.
 */
public final class Idx {
    /** Magic number of an unsigned-byte, 3-dimensional IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte, 1-dimensional IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Refuse files claiming more items than this (guards allocations against corrupt headers). */
    static final int MAX_ITEMS = 10_000_000;

    private Idx() {
    }

    /** Images as stored: {@code count} images of {@code rows x cols} unsigned bytes, row-major. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public Images {
            if ((long) count * rows * cols != pixels.length) {
                throw new IllegalArgumentException("pixels must have count*rows*cols = " + ((long) count * rows * cols)
                        + " bytes, but had " + pixels.length);
            }
        }
    }

    /** Reads an image file (gzip or plain). */
    public static Images readImages(Path file) throws IOException {
        return readImages(file.toString(), readFile(file));
    }

    /** Reads a label file (gzip or plain); each label is an unsigned byte. */
    public static byte[] readLabels(Path file) throws IOException {
        return readLabels(file.toString(), readFile(file));
    }

    /** Reads an image file from raw (possibly gzipped) bytes; {@code name} is used in error messages. */
    public static Images readImages(String name, byte[] raw) throws IOException {
        byte[] b = maybeGunzip(name, raw);
        int dims = header(name, b, IMAGES_MAGIC, 3, "images");
        int count = readInt(b, 4);
        int rows = readInt(b, 8);
        int cols = readInt(b, 12);
        checkCount(name, "image count", count);
        if (rows < 1 || cols < 1 || rows > 4096 || cols > 4096) {
            throw new IdxFormatException(name + ": image size must be in [1, 4096] x [1, 4096], but was " + rows + "x" + cols);
        }
        int headerLen = 4 + 4 * dims;
        long expected = headerLen + (long) count * rows * cols;
        checkLength(name, b.length, expected, count + " images of " + rows + "x" + cols);
        byte[] pixels = new byte[count * rows * cols];
        System.arraycopy(b, headerLen, pixels, 0, pixels.length);
        return new Images(count, rows, cols, pixels);
    }

    /** Reads a label file from raw (possibly gzipped) bytes; {@code name} is used in error messages. */
    public static byte[] readLabels(String name, byte[] raw) throws IOException {
        byte[] b = maybeGunzip(name, raw);
        int dims = header(name, b, LABELS_MAGIC, 1, "labels");
        int count = readInt(b, 4);
        checkCount(name, "label count", count);
        int headerLen = 4 + 4 * dims;
        checkLength(name, b.length, headerLen + (long) count, count + " labels");
        byte[] labels = new byte[count];
        System.arraycopy(b, headerLen, labels, 0, count);
        return labels;
    }

    /** Writes images as a gzipped IDX file. */
    public static void writeImagesGz(Path file, Images images) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(intBytes(IMAGES_MAGIC));
            out.write(intBytes(images.count()));
            out.write(intBytes(images.rows()));
            out.write(intBytes(images.cols()));
            out.write(images.pixels());
        }
    }

    /** Writes labels as a gzipped IDX file. */
    public static void writeLabelsGz(Path file, byte[] labels) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(intBytes(LABELS_MAGIC));
            out.write(intBytes(labels.length));
            out.write(labels);
        }
    }

    /**
     * Inflates gzip data, bounded: the inflated IDX header says how many bytes follow, and no more than that (plus
     * one, to detect trailing data) is ever inflated; a header announcing more than a quarter of the heap is refused.
     */
    static byte[] maybeGunzip(String name, byte[] raw) throws IOException {
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                byte[] head = in.readNBytes(16);
                long expected = announced(head);
                long budget = Math.min(Integer.MAX_VALUE - 16, Runtime.getRuntime().maxMemory() / 4);
                if (expected > budget) {
                    throw new IdxFormatException(name + ": the IDX header announces " + expected + " bytes, but at"
                            + " most " + budget + " fit in a quarter of the heap (a gzip bomb, or raise -Xmx)");
                }
                long want = Math.max(expected, head.length) + 1 - head.length;
                byte[] rest = in.readNBytes((int) Math.max(0, want));
                byte[] out = new byte[head.length + rest.length];
                System.arraycopy(head, 0, out, 0, head.length);
                System.arraycopy(rest, 0, out, head.length, rest.length);
                return out;
            } catch (java.io.EOFException | java.util.zip.ZipException e) {
                throw new IdxFormatException(name + ": corrupt gzip data (" + e.getMessage() + ")");
            }
        }
        return raw;
    }

    /** The whole length an IDX header announces (header included), or the header's own length if it is not one. */
    private static long announced(byte[] head) {
        if (head.length >= 8 && readInt(head, 0) == LABELS_MAGIC) {
            return 8 + Integer.toUnsignedLong(readInt(head, 4));
        }
        if (head.length >= 16 && readInt(head, 0) == IMAGES_MAGIC) {
            return 16 + Integer.toUnsignedLong(readInt(head, 4)) * Integer.toUnsignedLong(readInt(head, 8))
                    * Integer.toUnsignedLong(readInt(head, 12));
        }
        return head.length;
    }

    private static byte[] readFile(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IdxFormatException(file + ": must be an IDX file, but is a directory");
        }
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IdxFormatException(file + ": an IDX file must have fewer than 2 GiB, but has " + size + " bytes");
        }
        return Files.readAllBytes(file);
    }

    private static int header(String name, byte[] b, int magic, int dims, String what) throws IdxFormatException {
        if (b.length < 4) {
            throw new IdxFormatException(name + ": an IDX file needs a 4-byte magic number, but the file has "
                    + b.length + " bytes");
        }
        int m = readInt(b, 0);
        if (m != magic) {
            String base = String.format("%s: %s magic number must be 0x%08x, but was 0x%08x", name, what, magic, m);
            if ((m >>> 16) != 0) {
                throw new IdxFormatException(base + " (an IDX magic number starts with two zero bytes)");
            }
            if (((m >>> 8) & 0xff) != 0x08) {
                throw new IdxFormatException(String.format("%s: data type must be 0x08 (unsigned byte), but was 0x%02x",
                        base, (m >>> 8) & 0xff));
            }
            throw new IdxFormatException(base + ": " + what + " need " + dims + " dimension" + (dims == 1 ? "" : "s")
                    + ", but the header says " + (m & 0xff));
        }
        int headerLen = 4 + 4 * dims;
        if (b.length < headerLen) {
            throw new IdxFormatException(name + ": the header of a " + dims + "-dimensional IDX file needs " + headerLen
                    + " bytes, but the file has " + b.length);
        }
        return dims;
    }

    private static void checkCount(String name, String what, int count) throws IdxFormatException {
        if (count < 0 || count > MAX_ITEMS) {
            throw new IdxFormatException(name + ": " + what + " must be in [0, " + MAX_ITEMS + "], but was " + count);
        }
    }

    private static void checkLength(String name, long actual, long expected, String what) throws IdxFormatException {
        if (actual != expected) {
            throw new IdxFormatException(name + ": the header announces " + what + " (" + expected
                    + " bytes with the header), but the data has " + actual + " bytes");
        }
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static byte[] intBytes(int v) {
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
