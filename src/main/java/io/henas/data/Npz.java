package io.henas.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reader of a NumPy archive ({@code numpy.savez} or {@code savez_compressed}) with the arrays {@code x_train},
 * {@code y_train}, {@code x_test} and {@code y_test}. Images are uint8 (divided by 255) or float32 (as stored, must
 * be finite), laid out {@code (N, C, H, W)} or {@code (N, H, W, C)} (or {@code (N, H, W)} for one channel): the layout
 * is detected from the declared input shape, NCHW when both would fit. Labels are integers of any width in
 * {@code [0, classes)}, shaped {@code (N,)} or {@code (N, 1)}. Each array's announced size is checked against its
 * entry size and a quarter of the heap before it is read.
 */
public final class Npz {
    /** The archive file name looked for in {@code --data DIR} when DIR is a directory. */
    public static final String DEFAULT_FILE = "data.npz";

    private Npz() {
    }

    /**
     * Both splits from an archive, or from the single {@code .npz} file in a directory.
     *
     * @throws IOException naming the file (and array) that is missing or malformed
     */
    public static DataSplit load(Path fileOrDir, int channels, int height, int width, int classes) throws IOException {
        Path file = locate(fileOrDir);
        try (ZipFile z = new ZipFile(file.toFile())) {
            Dataset train = split(z, file, "train", channels, height, width, classes);
            Dataset test = split(z, file, "test", channels, height, width, classes);
            return new DataSplit(train, test, file.toString(), false);
        } catch (ZipException e) {
            throw new DataFormatException(file + ": must be a NumPy .npz archive (a zip file), but is not ("
                    + e.getMessage() + ")");
        }
    }

    private static Path locate(Path p) throws IOException {
        if (Files.isRegularFile(p)) {
            return p;
        }
        if (!Files.isDirectory(p)) {
            throw new java.nio.file.NoSuchFileException(p.toString(), null, "--data must name a .npz file or a"
                    + " directory holding one");
        }
        if (Files.isRegularFile(p.resolve(DEFAULT_FILE))) {
            return p.resolve(DEFAULT_FILE);
        }
        try (var s = Files.list(p)) {
            var all = s.filter(f -> f.getFileName().toString().endsWith(".npz")).sorted().toList();
            if (all.size() != 1) {
                throw new DataFormatException(p + ": must hold " + DEFAULT_FILE + " or exactly one .npz file, but holds "
                        + all.size() + (all.isEmpty() ? "" : " " + all));
            }
            return all.get(0);
        }
    }

    private static Dataset split(ZipFile z, Path file, String split, int c, int h, int w, int classes)
            throws IOException {
        Npy.Array x = entry(z, file, "x_" + split);
        Npy.Array y = entry(z, file, "y_" + split);
        String xn = file + "!x_" + split + ".npy";
        String yn = file + "!y_" + split + ".npy";
        if (!x.type().equals("u1") && !x.type().equals("f4")) {
            throw new DataFormatException(xn + ": images must be uint8 or float32, but are " + x.type());
        }
        long[] s = x.shape();
        boolean nchw = s.length == 4 && s[1] == c && s[2] == h && s[3] == w;
        boolean nhwc = s.length == 4 && s[1] == h && s[2] == w && s[3] == c;
        boolean nhw = s.length == 3 && c == 1 && s[1] == h && s[2] == w;
        if (!nchw && !nhwc && !nhw) {
            throw new DataFormatException(xn + ": images must have shape (N, " + c + ", " + h + ", " + w + ") or (N, "
                    + h + ", " + w + ", " + c + ") for the declared input [" + c + ", " + h + ", " + w + "], but have "
                    + x.shapeText());
        }
        int n = (int) s[0];
        if (n < 1) {
            throw new DataFormatException(xn + ": must hold at least one image, but holds none");
        }
        long[] ls = y.shape();
        if (!(ls.length == 1 || (ls.length == 2 && ls[1] == 1)) || ls[0] != n) {
            throw new DataFormatException(yn + ": labels must have shape (" + n + ",) or (" + n + ", 1) to match "
                    + "x_" + split + ", but have " + y.shapeText());
        }
        if (y.type().equals("f4")) {
            throw new DataFormatException(yn + ": labels must be integers, but are float32");
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            double l = y.get(i);
            if (!(l >= 0 && l < classes)) {
                throw new DataFormatException(yn + ": label " + i + " must be in [0, " + classes + "), but was "
                        + (long) l);
            }
            labels[i] = (byte) l;
        }
        int per = c * h * w;
        float[] values = new float[n * per];
        byte[] d = x.data();
        boolean bytes = x.type().equals("u1");
        ByteBuffer fb = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < h; r++) {
                    for (int col = 0; col < w; col++) {
                        int src = nhwc && !nchw ? i * per + (r * w + col) * c + ch : i * per + (ch * h + r) * w + col;
                        float v = bytes ? (d[src] & 0xff) / 255f : fb.getFloat(4 * src);
                        if (!Float.isFinite(v)) {
                            throw new DataFormatException(xn + ": image " + i + " has a non-finite value " + v);
                        }
                        values[i * per + (ch * h + r) * w + col] = v;
                    }
                }
            }
        }
        return Dataset.ofValues("npz " + split, c, h, w, classes, values, labels);
    }

    private static Npy.Array entry(ZipFile z, Path file, String array) throws IOException {
        ZipEntry e = z.getEntry(array + ".npy");
        if (e == null) {
            throw new DataFormatException(file + ": the archive must hold " + array + ".npy (x_train, y_train, x_test,"
                    + " y_test), but does not");
        }
        long budget = Runtime.getRuntime().maxMemory() / 4;
        long bound = e.getSize() >= 0 ? Math.min(e.getSize(), budget) : budget;
        try (InputStream in = z.getInputStream(e)) {
            return Npy.read(file + "!" + array + ".npy", in, bound);
        } catch (ZipException | java.io.EOFException ex) {
            throw new DataFormatException(file + "!" + array + ".npy: corrupt archive entry (" + ex.getMessage() + ")");
        }
    }
}
