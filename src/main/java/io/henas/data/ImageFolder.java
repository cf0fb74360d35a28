package io.henas.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reader of an image folder: {@code DIR/train/<class>/*.png|jpg|jpeg} and {@code DIR/test/<class>/*.png|jpg|jpeg}.
 * Classes are the sorted subdirectory names of {@code train/} (their index is the label); {@code test/} must not
 * have other classes. Images are read with {@code javax.imageio}, converted to the declared channels (1: luma
 * {@code 0.299 R + 0.587 G + 0.114 B}; 3: R, G, B; alpha is dropped) and divided by 255. An image of another size
 * than declared is rejected naming the file, or resized (bilinear) when preprocessing says {@code resize: true}.
 * Image dimensions are read from the header and checked before the pixels are decoded.
 */
public final class ImageFolder {
    /** Largest width or height decoded (also when resizing). */
    static final int MAX_SIDE = 8192;
    /** Most images in one split. */
    static final int MAX_IMAGES = 1_000_000;

    private ImageFolder() {
    }

    /**
     * Both splits.
     *
     * @throws IOException naming the directory or file that is missing or malformed
     */
    public static DataSplit load(Path dir, int channels, int height, int width, int classes, boolean resize)
            throws IOException {
        if (channels != 1 && channels != 3) {
            throw new DataFormatException(dir + ": an image folder gives 1 (grey) or 3 (RGB) channels, but the input"
                    + " declares " + channels);
        }
        List<String> names = classes(dir.resolve("train"));
        if (names.size() != classes) {
            throw new DataFormatException(dir.resolve("train") + ": must have one subdirectory per class (" + classes
                    + " declared), but has " + names.size() + " " + names);
        }
        List<String> testNames = classes(dir.resolve("test"));
        for (String t : testNames) {
            if (!names.contains(t)) {
                throw new DataFormatException(dir.resolve("test").resolve(t) + ": test classes must be training"
                        + " classes " + names + ", but '" + t + "' is not");
            }
        }
        Dataset train = split(dir.resolve("train"), names, "folder train", channels, height, width, resize);
        Dataset test = split(dir.resolve("test"), names, "folder test", channels, height, width, resize);
        return new DataSplit(train, test, dir + " (classes " + names + ")", false);
    }

    /** The sorted class directory names under {@code splitDir}. */
    public static List<String> classes(Path splitDir) throws IOException {
        if (!Files.isDirectory(splitDir)) {
            throw new NoSuchFileException(splitDir.toString(), null, "an image folder needs train/<class>/ and"
                    + " test/<class>/ directories");
        }
        try (Stream<Path> s = Files.list(splitDir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().toList();
        }
    }

    private static Dataset split(Path splitDir, List<String> names, String name, int c, int h, int w, boolean resize)
            throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            Path cd = splitDir.resolve(names.get(k));
            if (!Files.isDirectory(cd)) {
                continue;
            }
            try (Stream<Path> s = Files.list(cd)) {
                for (Path f : s.filter(ImageFolder::isImage).sorted().toList()) {
                    files.add(f);
                    labels.add(k);
                }
            }
            if (files.size() > MAX_IMAGES) {
                throw new DataFormatException(splitDir + ": must hold at most " + MAX_IMAGES + " images, but holds more");
            }
        }
        if (files.isEmpty()) {
            throw new DataFormatException(splitDir + ": must hold at least one .png or .jpg image, but holds none");
        }
        int per = c * h * w;
        float[] values = new float[files.size() * per];
        byte[] lab = new byte[files.size()];
        for (int i = 0; i < files.size(); i++) {
            BufferedImage img = read(files.get(i), h, w, resize);
            toValues(img, c, values, i * per);
            lab[i] = (byte) (int) labels.get(i);
        }
        return Dataset.ofValues(name, c, h, w, names.size(), values, lab);
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** Reads one image, checking its header's size first; resized to {@code h x w} if allowed, else rejected. */
    static BufferedImage read(Path f, int h, int w, boolean resize) throws IOException {
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            var readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DataFormatException(f + ": must be a PNG or JPEG image, but no image reader recognises it");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                int iw = r.getWidth(0);
                int ih = r.getHeight(0);
                if (iw < 1 || ih < 1 || iw > MAX_SIDE || ih > MAX_SIDE) {
                    throw new DataFormatException(f + ": image size must be in [1, " + MAX_SIDE + "] per side, but was "
                            + iw + "x" + ih);
                }
                if ((iw != w || ih != h) && !resize) {
                    throw new DataFormatException(f + ": image must be " + w + "x" + h + " (width x height, the declared"
                            + " input), but is " + iw + "x" + ih + " (resize the images, or set preprocessing.resize:"
                            + " true)");
                }
                img = r.read(0);
            } finally {
                r.dispose();
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(f + ": cannot be decoded as an image (" + e.getMessage() + ")");
        }
        if (img.getWidth() == w && img.getHeight() == h) {
            return img;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Writes the image's values (C-H-W, / 255) into {@code out} at {@code off}. */
    static void toValues(BufferedImage img, int c, float[] out, int off) {
        int h = img.getHeight();
        int w = img.getWidth();
        boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (c == 1) {
                    int v = grey ? img.getRaster().getSample(x, y, 0) : (int) Math.round(0.299 * r + 0.587 * g
                            + 0.114 * b);
                    out[off + y * w + x] = v / 255f;
                } else if (grey) {
                    float v = img.getRaster().getSample(x, y, 0) / 255f;
                    out[off + y * w + x] = v;
                    out[off + h * w + y * w + x] = v;
                    out[off + 2 * h * w + y * w + x] = v;
                } else {
                    out[off + y * w + x] = r / 255f;
                    out[off + h * w + y * w + x] = g / 255f;
                    out[off + 2 * h * w + y * w + x] = b / 255f;
                }
            }
        }
    }
}
