package io.henas.export;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.henas.ir.Json;

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
@JsonIgnoreProperties(ignoreUnknown = true)
public record Provenance(String commit, String spaceHash, long seed, String dataset, double trainAccuracy,
                         double testAccuracy, String source) {
    public Provenance {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(spaceHash, "spaceHash");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(source, "source");
    }

    /** JSON form (snake_case component names; NaN accuracies become null). */
    public Map<String, Object> toJson() {
        return Json.toTree(this);
    }

    /** Reads {@link #toJson()}'s form (keys of a newer henas are ignored; null accuracies are NaN). */
    static Provenance fromJson(Map<String, Object> m, String src) throws ExportFormatException {
        try {
            return Json.toValue(m, src + ": provenance", Provenance.class);
        } catch (IllegalArgumentException e) {
            throw new ExportFormatException(e.getMessage(), e);
        }
    }
}
