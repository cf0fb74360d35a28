package io.henas.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader of the CIFAR-10 binary version ({@code cifar-10-binary.tar.gz}, extracted): {@code data_batch_1.bin} ...
 * {@code data_batch_5.bin} (training, read in that order; batches 2-5 may be absent, never batch 1) and
 * {@code test_batch.bin}. Each record is one label byte in [0, 10) and 3,072 pixel bytes: the red, green and blue
 * 32 x 32 planes, row-major (so already C-H-W). A file's size must be a positive multiple of the record size; it is
 * checked before anything is allocated. Pixels are divided by 255.
 */
public final class Cifar10 {
    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int CLASSES = 10;
    /** Bytes per record: 1 label byte and 3 x 32 x 32 pixel bytes. */
    public static final int RECORD = 1 + CHANNELS * SIDE * SIDE;
    /** Most records in one file (the official batches have 10,000). */
    static final int MAX_RECORDS = 1_000_000;

    private Cifar10() {
    }

    /** The training batch file names in reading order. */
    public static List<String> trainFiles() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            out.add("data_batch_" + i + ".bin");
        }
        return out;
    }

    public static final String TEST_FILE = "test_batch.bin";

    /**
     * Both splits from a directory holding the extracted binary version (or its {@code cifar-10-batches-bin}
     * subdirectory).
     *
     * @throws IOException naming the file that is missing or malformed
     */
    public static DataSplit load(Path dir) throws IOException {
        Path d = dir;
        if (!Files.isRegularFile(d.resolve("data_batch_1.bin")) && Files.isDirectory(d.resolve("cifar-10-batches-bin"))) {
            d = d.resolve("cifar-10-batches-bin");
        }
        List<Path> train = new ArrayList<>();
        for (String f : trainFiles()) {
            if (Files.isRegularFile(d.resolve(f))) {
                train.add(d.resolve(f));
            } else if (train.isEmpty()) {
                throw new NoSuchFileException(d.resolve(f).toString(), null,
                        "CIFAR-10 binary training batch not found (extract cifar-10-binary.tar.gz into --data DIR)");
            }
        }
        Path test = d.resolve(TEST_FILE);
        if (!Files.isRegularFile(test)) {
            throw new NoSuchFileException(test.toString(), null, "CIFAR-10 binary test batch not found");
        }
        return new DataSplit(read("cifar10 train", train), read("cifar10 test", List.of(test)),
                d + " (" + train.size() + " training batch" + (train.size() == 1 ? "" : "es") + ")", false);
    }

    /** The records of {@code files}, concatenated in order. */
    public static Dataset read(String name, List<Path> files) throws IOException {
        long total = 0;
        for (Path f : files) {
            total += records(f);
        }
        if (total > MAX_RECORDS) {
            throw new DataFormatException(files.get(0).getParent() + ": CIFAR-10 batches must hold at most "
                    + MAX_RECORDS + " records together, but hold " + total);
        }
        int n = (int) total;
        int px = CHANNELS * SIDE * SIDE;
        long need = 4L * n * px;
        if (need > Runtime.getRuntime().maxMemory() / 2) {
            throw new DataFormatException(files.get(0).getParent() + ": " + n + " CIFAR-10 records need " + (need >> 20)
                    + " MiB as floats, more than half the heap (" + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB): raise -Xmx");
        }
        float[] values = new float[n * px];
        byte[] labels = new byte[n];
        int k = 0;
        byte[] rec = new byte[RECORD];
        for (Path f : files) {
            long count = records(f);
            try (InputStream in = Files.newInputStream(f)) {
                for (long r = 0; r < count; r++, k++) {
                    if (in.readNBytes(rec, 0, RECORD) != RECORD) {
                        throw new DataFormatException(f + ": record " + r + " is truncated (the file shrank while"
                                + " being read)");
                    }
                    int label = rec[0] & 0xff;
                    if (label >= CLASSES) {
                        throw new DataFormatException(f + ": record " + r + " label must be in [0, " + CLASSES
                                + "), but was " + label + " (is this the CIFAR-100 or Python version?)");
                    }
                    labels[k] = (byte) label;
                    for (int j = 0; j < px; j++) {
                        values[k * px + j] = (rec[1 + j] & 0xff) / 255f;
                    }
                }
            }
        }
        return Dataset.ofValues(name, CHANNELS, SIDE, SIDE, CLASSES, values, labels);
    }

    /** Records in a file, after checking its size. */
    private static long records(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new DataFormatException(f + ": must be a CIFAR-10 binary batch file, but is "
                    + (Files.isDirectory(f) ? "a directory" : "missing"));
        }
        long size = Files.size(f);
        if (size == 0 || size % RECORD != 0) {
            throw new DataFormatException(f + ": a CIFAR-10 binary batch must be a positive multiple of " + RECORD
                    + " bytes (1 label + 3,072 pixels per record), but has " + size + " bytes"
                    + (size % RECORD != 0 && size > RECORD ? " (" + size / RECORD + " whole records and "
                    + size % RECORD + " bytes of a truncated one)" : ""));
        }
        return size / RECORD;
    }
}
