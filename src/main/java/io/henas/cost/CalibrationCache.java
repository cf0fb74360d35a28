package io.henas.cost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.henas.json.Json;
import io.henas.json.JsonException;

/**
 * The calibration cache: one JSON file (default {@code ~/.cache/henas/calibration.json}) holding the last
 * calibration. It is reused while its {@link CalibrationKey} equals the current one and it covers the ring degrees
 * asked for; otherwise the operations are measured again and the file replaced.
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
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Calibration c;
        try {
            c = Calibration.fromJson(Json.readFile(file), file.toString());
        } catch (JsonException e) {
            throw new IOException(e.getMessage(), e);
        }
        return c.key().equals(key) ? Optional.of(c) : Optional.empty();
    }

    /** Writes {@code c} to {@code file} atomically. */
    public static void save(Path file, Calibration c) {
        Json.writeFile(file, c.toJson());
    }

    /**
     * The cached calibration when valid for {@code key} and covering {@code levels.keySet()}; otherwise a new one
     * measured with {@code measurer} and saved (a malformed cache file is replaced).
     */
    public static Calibration getOrCalibrate(Path file, CalibrationKey key, OpMeasurer measurer,
                                             Map<Integer, List<Integer>> levels) {
        Optional<Calibration> cached;
        try {
            cached = load(file, key);
        } catch (IOException e) {
            System.err.println("henas: ignoring malformed calibration cache (" + e.getMessage() + "), recalibrating");
            cached = Optional.empty();
        }
        if (cached.isPresent() && cached.get().covers(levels.keySet())) {
            return cached.get();
        }
        Calibration c = Calibrator.calibrate(measurer, key, levels);
        save(file, c);
        return c;
    }
}
