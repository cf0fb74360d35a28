package io.henas.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates Fashion-MNIST. Order: an explicit directory ({@code --data DIR}, which must hold the four files), else the
 * Debian package {@code dataset-fashion-mnist} ({@value #DEBIAN_DIR}), else the stratified subset shipped on the
 * classpath under {@code io/henas/data/} (6,000 train = 600 per class, 1,000 test = 100 per class; see
 * {@link SubsetGenerator} for how it is made).
 *
 * <p>File names are the upstream ones: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each gzipped ({@code .gz}) or plain.
 */
public final class Datasets {
    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
    /** Classpath folder of the shipped subset. */
    public static final String RESOURCE_DIR = "/io/henas/data/";
    /** Fashion-MNIST has ten classes. */
    public static final int CLASSES = 10;

    private Datasets() {
    }

    /**
     * Fashion-MNIST from {@code dir} if given, else the Debian package directory if installed, else the shipped subset.
     *
     * @throws IOException if {@code dir} is given but lacks a file, or any file is malformed
     */
    public static DataSplit fashionMnist(Optional<Path> dir) throws IOException {
        if (dir.isPresent()) {
            return fromDirectory(dir.get());
        }
        Path debian = Path.of(DEBIAN_DIR);
        if (hasAll(debian)) {
            return fromDirectory(debian);
        }
        return shippedSubset();
    }

    /** The full dataset from a directory holding the four IDX files (gzipped or plain). */
    public static DataSplit fromDirectory(Path dir) throws IOException {
        Dataset train = load(dir, "train", "fashion-mnist train");
        Dataset test = load(dir, "t10k", "fashion-mnist test");
        return new DataSplit(train, test, dir.toString(), false);
    }

    /**
     * The data of {@code spec}'s kind, not yet preprocessed: Fashion-MNIST as {@link #fashionMnist}; every other kind
     * from {@code dir}, which is then required (a directory, or for {@code npz} also the archive itself). The loaded
     * images must have the declared shape and classes.
     *
     * @throws IOException naming the file that is missing or malformed, or what does not match the declaration
     */
    public static DataSplit load(DataSpec spec, Optional<Path> dir) throws IOException {
        if (spec.kind() == DataKind.FASHION_MNIST) {
            return checkShape(fashionMnist(dir), spec, dir.map(Path::toString).orElse("fashion-mnist"));
        }
        if (dir.isEmpty()) {
            throw new IllegalArgumentException("dataset " + spec.kind().key() + " needs --data (the directory"
                    + (spec.kind() == DataKind.NPZ ? " or .npz file" : "") + " holding it)");
        }
        Path d = dir.get();
        if (!java.nio.file.Files.exists(d)) {
            throw new NoSuchFileException(d.toString(), null, "--data must exist");
        }
        DataSplit split = switch (spec.kind()) {
            case MNIST -> new DataSplit(load(d, "train", "mnist train"), load(d, "t10k", "mnist test"), d.toString(),
                    false);
            case CIFAR10 -> Cifar10.load(d);
            case NPZ -> Npz.load(d, spec.channels(), spec.height(), spec.width(), spec.classes());
            case FOLDER -> ImageFolder.load(d, spec.channels(), spec.height(), spec.width(), spec.classes(),
                    spec.preprocessing().resize());
            case FASHION_MNIST -> throw new IllegalStateException("handled above");
        };
        return checkShape(split, spec, d.toString());
    }

    private static DataSplit checkShape(DataSplit s, DataSpec spec, String where) throws DataFormatException {
        Dataset t = s.train();
        if (t.channels() != spec.channels() || t.rows() != spec.height() || t.cols() != spec.width()
                || t.classes() != spec.classes()) {
            throw new DataFormatException(where + ": the data must be " + spec.channels() + "x" + spec.height() + "x"
                    + spec.width() + " with " + spec.classes() + " classes (the declared input), but is "
                    + t.channels() + "x" + t.rows() + "x" + t.cols() + " with " + t.classes());
        }
        return s;
    }

    /** The stratified subset shipped with henas (6,000 train, 1,000 test). */
    public static DataSplit shippedSubset() throws IOException {
        Dataset train = fromResources("train", "fashion-mnist train (shipped subset)");
        Dataset test = fromResources("t10k", "fashion-mnist test (shipped subset)");
        return new DataSplit(train, test, "shipped subset (classpath " + RESOURCE_DIR + ")", true);
    }

    private static Dataset fromResources(String prefix, String name) throws IOException {
        String img = prefix + "-images-idx3-ubyte.gz";
        String lab = prefix + "-labels-idx1-ubyte.gz";
        Idx.Images images = Idx.readImages("classpath:" + RESOURCE_DIR + img, resource(img));
        byte[] labels = Idx.readLabels("classpath:" + RESOURCE_DIR + lab, resource(lab));
        return checked(name, images, labels, RESOURCE_DIR + img, RESOURCE_DIR + lab);
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = Datasets.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new NoSuchFileException("classpath:" + RESOURCE_DIR + file, null, "shipped subset missing from the jar");
            }
            return in.readAllBytes();
        }
    }

    private static Dataset load(Path dir, String prefix, String name) throws IOException {
        Path img = find(dir, prefix + "-images-idx3-ubyte");
        Path lab = find(dir, prefix + "-labels-idx1-ubyte");
        return checked(name, Idx.readImages(img), Idx.readLabels(lab), img.toString(), lab.toString());
    }

    private static Dataset checked(String name, Idx.Images images, byte[] labels, String imgFile, String labFile)
            throws IdxFormatException {
        if (images.count() != labels.length) {
            throw new IdxFormatException("images and labels must agree in count, but " + imgFile + " has "
                    + images.count() + " images and " + labFile + " has " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= CLASSES) {
                throw new IdxFormatException(labFile + ": label " + i + " must be in [0, " + CLASSES + "), but was "
                        + (labels[i] & 0xff));
            }
        }
        return Dataset.of(name, images, labels, CLASSES);
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String suffix : new String[]{".gz", ""}) {
            Path p = dir.resolve(base + suffix);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(base + ".gz").toString(), null,
                "Fashion-MNIST file not found (looked for " + base + ".gz and " + base + " in " + dir + ")");
    }

    private static boolean hasAll(Path dir) {
        for (String p : new String[]{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            if (!Files.isRegularFile(dir.resolve(p + ".gz")) && !Files.isRegularFile(dir.resolve(p))) {
                return false;
            }
        }
        return true;
    }
}
