package io.henas.cli;

import java.nio.file.Path;

import io.henas.cost.CalibrationCache;
import picocli.CommandLine.Option;

/** {@code --calibrate auto|never} and {@code --cache FILE}, shared by {@code cost} and {@code compare}. */
final class CalibrationMixin {
    @Option(names = "--calibrate", defaultValue = "auto", paramLabel = "auto|never",
            description = "auto: measure the evaluator at the ring degrees and key-switching shapes this machine's"
                    + " calibration cache lacks (about a minute each, once; cached); never: report no predicted"
                    + " latency there (default: ${DEFAULT-VALUE}).")
    CalibrateMode calibrate;

    @Option(names = "--cache", paramLabel = "FILE", description = "Calibration cache (default: ~/.cache/henas/"
            + "calibration.json).")
    Path cache;

    boolean auto() {
        return calibrate == CalibrateMode.auto;
    }

    /** The cache file: {@code --cache}, else the default. */
    Path cacheFile() {
        return cache != null ? cache : CalibrationCache.defaultPath();
    }
}
