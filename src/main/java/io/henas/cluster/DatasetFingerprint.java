package io.henas.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.henas.data.DataSplit;
import io.henas.data.Dataset;

/**
 * SHA-256 of a dataset's content (shapes, classes, pixels as IDX bytes, labels of the train and test splits), so
 * the same images hash the same whether they were read from gzipped or plain files, a Debian package or another
 * directory, and any changed image or label changes the hash. The search and every worker compute it over the data
 * they would train on; see {@link NodeIdentity}.
 */
public final class DatasetFingerprint {
    private DatasetFingerprint() {
    }

    /** Lower-case hex SHA-256 of both splits. */
    public static String sha256(DataSplit split) {
        MessageDigest md = digest();
        update(md, "train", split.train());
        update(md, "test", split.test());
        return HexFormat.of().formatHex(md.digest());
    }

    /** Lower-case hex SHA-256 of arbitrary text (for evaluators without a dataset, e.g. the synthetic one). */
    public static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void update(MessageDigest md, String part, Dataset d) {
        md.update(part.getBytes(StandardCharsets.UTF_8));
        md.update(ByteBuffer.allocate(16).putInt(d.size()).putInt(d.rows()).putInt(d.cols()).putInt(d.classes())
                .array());
        md.update(d.toIdxImages().pixels());
        md.update(d.labelBytes());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
