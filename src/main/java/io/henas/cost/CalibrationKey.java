package io.henas.cost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a calibration is valid for: the CPU model ({@code /proc/cpuinfo} "model name"), the number of cores, the JDK
 * version, the evaluator threads it was measured with and the evaluator's performance revision. A calibration is only
 * reused under an equal key.
 *
 * @param cpuModel  CPU model name
 * @param cores     available processors
 * @param jdk       {@code java.version}
 * @param threads   evaluator threads used when measuring
 * @param evaluator {@link io.henas.ckks.Evaluator#PERFORMANCE_REVISION} of the measured evaluator
 */
public record CalibrationKey(String cpuModel, int cores, String jdk, int threads, int evaluator) {
    public CalibrationKey {
        Objects.requireNonNull(cpuModel, "cpuModel");
        Objects.requireNonNull(jdk, "jdk");
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, but was " + cores);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
        }
        if (evaluator < 1) {
            throw new IllegalArgumentException("evaluator revision must be >= 1, but was " + evaluator);
        }
    }

    /** A key of the current evaluator revision. */
    public CalibrationKey(String cpuModel, int cores, String jdk, int threads) {
        this(cpuModel, cores, jdk, threads, io.henas.ckks.Evaluator.PERFORMANCE_REVISION);
    }

    /** The key of this machine and JVM for single-thread evaluation. */
    public static CalibrationKey current() {
        return current(1);
    }

    /** The key of this machine and JVM for evaluation on {@code threads} threads. */
    public static CalibrationKey current(int threads) {
        return new CalibrationKey(cpuModel(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), threads);
    }

    /** The first "model name" in a cpuinfo file, or {@code os.arch} when it cannot be read. */
    static String cpuModel(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    int c = line.indexOf(':');
                    if (c >= 0) {
                        return line.substring(c + 1).trim();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: no cpuinfo on this OS
        }
        return "unknown-" + System.getProperty("os.arch");
    }
}
