package io.henas.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model expects as input: the dataset kind, the image shape (channels x height x width), the number of classes
 * and the preprocessing from loaded values to network inputs. Written into a training output directory
 * ({@value #FILE}) and the manifest of an exported model (key {@value #MANIFEST_KEY}), so that the client encrypts what
 * training saw.
 */
public record DataSpec(DataKind kind, int channels, int height, int width, int classes, Preprocessing preprocessing) {
    /** File name in a {@code henas train} output directory. */
    public static final String FILE = "input.json";
    /** Key in an exported model's manifest. */
    public static final String MANIFEST_KEY = "input";

    public DataSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(preprocessing, "preprocessing");
        if (channels < 1 || height < 1 || width < 1 || channels > 4096 || height > 4096 || width > 4096) {
            throw new IllegalArgumentException("input shape must be in [1, 4096] per dimension, but was " + channels
                    + "x" + height + "x" + width);
        }
        if (classes < 2 || classes > 256) {
            throw new IllegalArgumentException("classes must be in [2, 256], but was " + classes);
        }
        if (preprocessing.channels() != 0 && preprocessing.channels() != channels) {
            throw new IllegalArgumentException("preprocessing mean/std must have one value per channel (" + channels
                    + "), but had " + preprocessing.channels());
        }
    }

    /** Fashion-MNIST as henas always read it: 1 x 28 x 28, 10 classes, values byte/255, no preprocessing. */
    public static DataSpec fashionMnist() {
        return new DataSpec(DataKind.FASHION_MNIST, 1, 28, 28, 10, Preprocessing.IDENTITY);
    }

    /** Values per image. */
    public int imageSize() {
        return channels * height * width;
    }

    /** As JSON-ready maps and lists. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", kind.key());
        m.put("shape", List.of(channels, height, width));
        m.put("classes", classes);
        m.put("values", "unsigned bytes are divided by 255, float32 values are taken as stored; then preprocessing");
        m.put("preprocessing", preprocessing.toJson());
        return m;
    }

    /**
     * Reads {@link #toJson()}'s form.
     *
     * @param where names the file in errors
     * @throws DataFormatException if a field is missing or invalid
     */
    public static DataSpec fromJson(Object o, String where) throws DataFormatException {
        if (!(o instanceof Map<?, ?> m)) {
            throw new DataFormatException(where + ": input must be an object, but was " + o);
        }
        try {
            DataKind kind = DataKind.of(String.valueOf(m.get("dataset")));
            if (!(m.get("shape") instanceof List<?> s) || s.size() != 3) {
                throw new DataFormatException(where + ": input.shape must be [channels, height, width], but was "
                        + m.get("shape"));
            }
            int[] dims = new int[3];
            for (int i = 0; i < 3; i++) {
                dims[i] = Preprocessing.intIn(s.get(i), 1, 4096, where + ": input.shape[" + i + "]");
            }
            int classes = Preprocessing.intIn(m.get("classes"), 2, 256, where + ": input.classes");
            Preprocessing p = Preprocessing.fromJson(m.get("preprocessing"), where + ": input.preprocessing");
            return new DataSpec(kind, dims[0], dims[1], dims[2], classes, p);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(where + ": " + e.getMessage());
        }
    }
}
