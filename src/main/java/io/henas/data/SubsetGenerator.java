package io.henas.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Regenerates the shipped subset: {@value #TRAIN_PER_CLASS} train images per class from the 60,000 training images
 * and {@value #TEST_PER_CLASS} per class from the 10,000 test images, drawn with
 * {@link Dataset#stratifiedIndices(int, long)} and seed {@value #SEED}, kept in source order and written as gzipped
 * IDX files with the upstream names.
 *
 * <p>Usage: {@code java -cp target/classes io.henas.data.SubsetGenerator [SOURCE_DIR] [OUT_DIR]}, defaults
 * {@value Datasets#DEBIAN_DIR} and {@code src/main/resources/io/henas/data}.
 */
public final class SubsetGenerator {
    /** Seed of the shipped subset. */
    public static final long SEED = 20261121L;
    public static final int TRAIN_PER_CLASS = 600;
    public static final int TEST_PER_CLASS = 100;

    private SubsetGenerator() {
    }

    /** Writes the subset of the full dataset in {@code source} into {@code out}; returns the total bytes written. */
    public static long generate(Path source, Path out) throws IOException {
        DataSplit full = Datasets.fromDirectory(source);
        Files.createDirectories(out);
        long bytes = write(full.train().stratified("train subset", TRAIN_PER_CLASS, SEED), out, "train");
        bytes += write(full.test().stratified("test subset", TEST_PER_CLASS, SEED), out, "t10k");
        return bytes;
    }

    private static long write(Dataset d, Path out, String prefix) throws IOException {
        Path img = out.resolve(prefix + "-images-idx3-ubyte.gz");
        Path lab = out.resolve(prefix + "-labels-idx1-ubyte.gz");
        Idx.writeImagesGz(img, d.toIdxImages());
        Idx.writeLabelsGz(lab, d.labelBytes());
        return Files.size(img) + Files.size(lab);
    }

    public static void main(String[] args) throws IOException {
        Path source = Path.of(args.length > 0 ? args[0] : Datasets.DEBIAN_DIR);
        Path out = Path.of(args.length > 1 ? args[1] : "src/main/resources/io/henas/data");
        long bytes = generate(source, out);
        System.out.println("wrote the stratified subset (" + TRAIN_PER_CLASS + "/class train, " + TEST_PER_CLASS
                + "/class test, seed " + SEED + ") to " + out + ": " + bytes + " bytes");
    }
}
