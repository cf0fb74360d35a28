package io.henas.cost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.henas.he.OpKind;
import io.henas.ir.Json;
import io.henas.ir.JsonException;

/**
 * The calibration cache: one JSON file (default {@code ~/.cache/henas/calibration.json}) holding calibrations keyed by
 * {@link CalibrationKey} ({@code {"format": 4, "calibrations": [...]}}). An entry is reused while its key equals the
 * current one and it covers the ring degrees asked for; otherwise the operations are measured again and the entry for
 * that key replaced (entries for other keys are kept).
 */
public final class CalibrationCache {
    private CalibrationCache() {
    }

    /** {@code ~/.cache/henas/calibration.json}. */
    public static Path defaultPath() {
        return Path.of(System.getProperty("user.home"), ".cache", "henas", "calibration.json");
    }

    /**
     * The cached calibration if the file exists and was made for {@code key}.
     *
     * @throws IOException if the file exists but is malformed
     */
    public static Optional<Calibration> load(Path file, CalibrationKey key) throws IOException {
        return readAll(file).stream().filter(c -> c.key().equals(key)).findFirst();
    }

    /** Every calibration in {@code file} (none if it does not exist). */
    public static List<Calibration> readAll(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            Map<String, Object> root = Json.asObject(Json.readFile(file), file.toString());
            Calibration.checkFormat(root.get("format"), file.toString());
            if (!(root.get("calibrations") instanceof List<?> list)) {
                throw new IOException(file + ": calibrations must be an array, but was " + root.get("calibrations"));
            }
            List<Calibration> out = new java.util.ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                out.add(Calibration.fromJson(list.get(i), file + ": calibrations[" + i + "]"));
            }
            return out;
        } catch (JsonException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Stores {@code c} in {@code file} (atomically), replacing the entry with the same key; others are kept. */
    public static void save(Path file, Calibration c) {
        List<Calibration> all = new java.util.ArrayList<>();
        try {
            for (Calibration o : readAll(file)) {
                if (!o.key().equals(c.key())) {
                    all.add(o);
                }
            }
        } catch (IOException e) {
            // a malformed cache is replaced
        }
        all.add(c);
        Map<String, Object> root = new java.util.LinkedHashMap<>();
        root.put("format", Calibration.FORMAT);
        root.put("calibrations", all.stream().map(Calibration::toJson).toList());
        Json.writeFile(file, root);
    }

    /**
     * The cached calibration when valid for {@code key} and covering {@code levels.keySet()}; otherwise a new one
     * measured with {@code measurer} and saved (a malformed cache file is replaced).
     */
    public static Calibration getOrCalibrate(Path file, CalibrationKey key, OpMeasurer measurer,
                                             Map<ChainShape, List<Integer>> levels) {
        Optional<Calibration> cached = loadOrEmpty(file, key);
        if (cached.isPresent() && cached.get().covers(levels.keySet())) {
            return cached.get();
        }
        Calibration c = Calibrator.calibrate(measurer, key, levels);
        save(file, c);
        return c;
    }

    /**
     * The cached calibration for {@code key}, extended with measurements (at {@link Calibrator#defaultLevels}) of
     * the shapes (ring degree and key-switching {@code k}, {@code alpha}) among {@code shapes} it lacks, and saved
     * when extended. Shapes already measured are not measured again, so a search calibrates each shape once, when it
     * first needs it; a SEAL-shape timing is never used for a hybrid chain or the reverse.
     */
    public static synchronized Calibration ensure(Path file, CalibrationKey key, OpMeasurer measurer,
                                                  java.util.Collection<ChainShape> shapes) {
        return ensure(file, key, measurer, shapes, pass -> {
        });
    }

    /**
     * As {@link #ensure(Path, CalibrationKey, OpMeasurer, java.util.Collection)}, calling {@code afterPass} after each
     * pass of a measurement ({@link Calibrator#calibrate(OpMeasurer, CalibrationKey, Map, java.util.function.IntConsumer)};
     * never when the cache covers the shapes).
     */
    public static synchronized Calibration ensure(Path file, CalibrationKey key, OpMeasurer measurer,
                                                  java.util.Collection<ChainShape> shapes,
                                                  java.util.function.IntConsumer afterPass) {
        Optional<Calibration> cached = loadOrEmpty(file, key);
        Map<ChainShape, Map<OpKind, Calibration.Fit>> fits = new java.util.TreeMap<>();
        cached.ifPresent(c -> fits.putAll(c.fits()));
        List<ChainShape> missing = shapes.stream().distinct().filter(n -> !fits.containsKey(n)).sorted().toList();
        Map<ChainShape, List<Integer>> levels = Calibrator.defaultLevels(missing);
        for (ChainShape m : missing) {
            if (!levels.containsKey(m)) {
                throw new IllegalArgumentException("cannot calibrate " + Calibration.describe(m) + ": no 128-bit-secure"
                        + " chain of that shape holds a level");
            }
        }
        if (cached.isPresent() && levels.isEmpty()) {
            return cached.get();
        }
        fits.putAll(Calibrator.calibrate(measurer, key, levels, afterPass).fits());
        Calibration c = new Calibration(key, java.time.Instant.now().toString(), fits);
        save(file, c);
        return c;
    }

    /** Measures the shapes {@code shapes} again (keeping other cached shapes of {@code key}) and saves. */
    public static synchronized Calibration recalibrate(Path file, CalibrationKey key, OpMeasurer measurer,
                                                       java.util.Collection<ChainShape> shapes) {
        Map<ChainShape, Map<OpKind, Calibration.Fit>> fits = new java.util.TreeMap<>();
        loadOrEmpty(file, key).ifPresent(c -> fits.putAll(c.fits()));
        fits.putAll(Calibrator.calibrate(measurer, key, Calibrator.defaultLevels(List.copyOf(shapes))).fits());
        Calibration c = new Calibration(key, java.time.Instant.now().toString(), fits);
        save(file, c);
        return c;
    }

    /**
     * The cached calibration, or empty when the file is missing, malformed or outdated: the callers here are about to
     * measure and overwrite it (readers that only predict warn in {@link CostModel#fromCache}).
     */
    private static Optional<Calibration> loadOrEmpty(Path file, CalibrationKey key) {
        try {
            return load(file, key);
        } catch (Calibration.OutdatedException e) {
            System.err.println("henas: calibration cache outdated (" + e.getMessage() + "): recalibrating");
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
