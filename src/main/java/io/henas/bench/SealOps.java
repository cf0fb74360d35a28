package io.henas.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.henas.ir.Json;

/**
 * Microsoft SEAL measured side by side: runs the {@code seal-ops} harness (a C++ program timing SEAL's CKKS ops the
 * way {@code bench ckks} times henas: CoeffModulus::BFVDefault(N), first data level, scale 2^40, warm-up, median of
 * per-sample wall-clock times) as a child process and reads its JSON ({@code {"seal_version": V, "results":
 * {logN: {op or op/api or op/inplace: us}}}}). Ratios to SEAL are only ever quoted against a run of this class.
 */
public final class SealOps {
    /** Where {@link #locate} looks when no path is given, relative to the working directory. */
    public static final Path DEFAULT_PATH = Path.of("..", "shared", "tools", "seal-ops");

    private final Path binary;

    private SealOps(Path binary) {
        this.binary = binary;
    }

    /** One run of the harness at one degree: SEAL's version and its medians keyed by henas op name. */
    public record Run(String version, Map<String, Double> micros) {
    }

    /**
     * The harness at {@code explicit}, or at {@link #DEFAULT_PATH} when {@code explicit} is null and it exists.
     *
     * @throws IllegalArgumentException if {@code explicit} is given but is not an executable file
     */
    public static Optional<SealOps> locate(Path explicit) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit) || !Files.isExecutable(explicit)) {
                throw new IllegalArgumentException("--seal must name the executable seal-ops harness, but " + explicit
                        + (Files.exists(explicit) ? " is not an executable file" : " does not exist"));
            }
            return Optional.of(new SealOps(explicit));
        }
        Path d = DEFAULT_PATH.toAbsolutePath().normalize();
        return Files.isRegularFile(d) && Files.isExecutable(d) ? Optional.of(new SealOps(d)) : Optional.empty();
    }

    /** The harness path. */
    public Path binary() {
        return binary;
    }

    /**
     * Runs the harness for one degree; its progress lines go to {@code progress} prefixed with "seal: ".
     *
     * @param samples timed runs per op, or null for the harness' default (60/40/20 for logN 13/14/15, like henas)
     * @throws IllegalStateException if the harness fails or prints no result for {@code logN}
     */
    public Run run(int logN, Integer samples, Consumer<String> progress) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), Integer.toString(logN)));
        if (samples != null) {
            cmd.add(Integer.toString(samples));
        }
        String stdout;
        int rc;
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            Thread err = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        progress.accept("seal: " + line);
                    }
                } catch (IOException e) {
                    progress.accept("seal: (stderr unreadable: " + e.getMessage() + ")");
                }
            });
            stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            rc = p.waitFor();
            err.join();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + binary, e);
        }
        if (rc != 0) {
            throw new IllegalStateException(binary + " " + logN + " must exit with 0, but exited with " + rc);
        }
        return parse(stdout, logN, binary.toString());
    }

    /**
     * Parses the harness' JSON for one degree. An op with {@code /inplace} and {@code /api} variants maps to its
     * in-place variant (what {@code bench ckks} times henas with); ops without variants keep their name.
     *
     * @throws IllegalStateException if the text is not the harness' JSON or lacks {@code logN}
     */
    static Run parse(String json, int logN, String source) {
        Map<String, Object> root;
        try {
            root = Json.asObject(Json.parse(json.strip(), source), source);
        } catch (RuntimeException e) {
            throw new IllegalStateException(source + " must print its JSON result on stdout, but printed '"
                    + abbreviate(json) + "' (" + e.getMessage() + ")", e);
        }
        Object version = root.get("seal_version");
        if (!(root.get("results") instanceof Map<?, ?> results)
                || !(results.get(Integer.toString(logN)) instanceof Map<?, ?> ops)) {
            throw new IllegalStateException(source + " must report results for logN " + logN + ", but printed '"
                    + abbreviate(json) + "'");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        ops.forEach((k, v) -> {
            String name = k.toString();
            if (v instanceof Number num && !name.endsWith("/api")) {
                out.put(name.endsWith("/inplace") ? name.substring(0, name.length() - "/inplace".length()) : name,
                        num.doubleValue());
            }
        });
        return new Run(version == null ? "?" : version.toString(), out);
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
