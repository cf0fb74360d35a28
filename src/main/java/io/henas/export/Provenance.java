package io.henas.export;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where an exported model comes from.
 *
 * @param commit        henas git commit that produced it ("unknown" if not known)
 * @param spaceHash     hash of the search space it was found in ("none" for a model trained directly)
 * @param seed          training seed
 * @param dataset       training/evaluation data description
 * @param trainAccuracy training accuracy (NaN if not measured)
 * @param testAccuracy  test accuracy in plaintext (NaN if not measured)
 * @param source        the directory or run it was exported from
 */
public record Provenance(String commit, String spaceHash, long seed, String dataset, double trainAccuracy,
                         double testAccuracy, String source) {
    public Provenance {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(spaceHash, "spaceHash");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(source, "source");
    }

    /** JSON form (NaN accuracies become null). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", commit);
        m.put("space_hash", spaceHash);
        m.put("seed", seed);
        m.put("dataset", dataset);
        m.put("train_accuracy", Double.isNaN(trainAccuracy) ? null : trainAccuracy);
        m.put("test_accuracy", Double.isNaN(testAccuracy) ? null : testAccuracy);
        m.put("source", source);
        return m;
    }

    /** Reads {@link #toJson()}'s form. */
    static Provenance fromJson(Map<String, Object> m, String src) throws ExportFormatException {
        return new Provenance(str(m, "commit", src), str(m, "space_hash", src), num(m, "seed", src).longValue(),
                str(m, "dataset", src), acc(m, "train_accuracy", src), acc(m, "test_accuracy", src),
                str(m, "source", src));
    }

    private static String str(Map<String, Object> m, String k, String src) throws ExportFormatException {
        if (m.get(k) instanceof String s) {
            return s;
        }
        throw new ExportFormatException(src + ": provenance." + k + " must be a string, but was " + m.get(k));
    }

    private static Number num(Map<String, Object> m, String k, String src) throws ExportFormatException {
        if (m.get(k) instanceof Number n) {
            return n;
        }
        throw new ExportFormatException(src + ": provenance." + k + " must be a number, but was " + m.get(k));
    }

    private static double acc(Map<String, Object> m, String k, String src) throws ExportFormatException {
        return m.get(k) == null ? Double.NaN : num(m, k, src).doubleValue();
    }
}
