package io.henas.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.henas.ir.Json;

/**
 * {@code manifest.json}: what is needed to reproduce a run (Tribuo-style provenance): git commit, space hash, seed,
 * settings, JDK, OS and CPU, library versions, evaluator provenance (dataset ...), and every start/resume of the run.
 */
public final class RunManifest {
    /** Classes whose jar names the library versions in the manifest. */
    private static final Map<String, String> LIBRARIES = Map.of(
            "jenetics", "io.jenetics.Phenotype",
            "jenetics.ext", "io.jenetics.ext.moea.Vec",
            "sqlite-jdbc", "org.sqlite.JDBC",
            "xchart", "org.knowm.xchart.XYChart",
            "deeplearning4j-nn", "org.deeplearning4j.nn.multilayer.MultiLayerNetwork",
            "nd4j-native", "org.nd4j.linalg.cpu.nativecpu.CpuBackend",
            "hazelcast", "com.hazelcast.core.Hazelcast");

    private final Path file;
    private final Map<String, Object> content;

    RunManifest(Path file, CandidateSpace<?> space, SearchConfig config, int parallelism) {
        this.file = file;
        Map<String, Object> old = read(file);
        this.content = new LinkedHashMap<>();
        content.put("tool", "henas search");
        content.put("git_commit", BuildInfo.commit());
        content.put("git_dirty", BuildInfo.dirty());
        content.put("space", space.name());
        content.put("space_sha256", space.sha256());
        content.put("seed", config.seed());
        content.put("population", config.population());
        content.put("generations", config.generations());
        content.put("threads", parallelism);
        content.put("depth_objective", config.depthObjective());
        content.put("objectives", RunReport.objectives(config));
        if (config.speed() == SpeedObjective.THROUGHPUT) {
            content.put("packing", "batch");
        }
        Map<String, Object> cons = new LinkedHashMap<>();
        cons.put("max_logn", config.constraints().maxLogN() == Integer.MAX_VALUE ? null : config.constraints().maxLogN());
        cons.put("max_latency_s", Double.isInfinite(config.constraints().maxLatencySeconds()) ? null
                : config.constraints().maxLatencySeconds());
        cons.put("max_depth", config.constraints().maxDepth() == Integer.MAX_VALUE ? null : config.constraints().maxDepth());
        cons.put("max_key_bytes", config.constraints().maxKeyBytes() == Long.MAX_VALUE ? null
                : config.constraints().maxKeyBytes());
        content.put("constraints", cons);
        Map<String, Object> ops = new LinkedHashMap<>();
        ops.put("survivors", "NSGA2Selector.ofVec() over parents + offspring");
        ops.put("parents", "UFTournamentSelector.ofVec()");
        ops.put("crossover", "gene-uniform, p=" + config.crossoverProbability());
        ops.put("mutation", "random reset per gene, p=" + (Double.isNaN(config.mutationProbability())
                ? "1/genes" : config.mutationProbability()));
        ops.put("random", "L64X256MixRandom(seed)");
        ops.put("initial_population", config.seedReferences()
                ? "references that are points of the space + one-gene mutants, the rest random" : "random");
        content.put("operators", ops);
        content.put("provenance", new LinkedHashMap<>(config.provenance()));
        content.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        content.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        content.put("cpu", cpuModel());
        content.put("cores", Runtime.getRuntime().availableProcessors());
        content.put("libraries", libraryVersions());
        List<Object> runs = new ArrayList<>();
        if (old.get("runs") instanceof List<?> l) {
            runs.addAll(l);
        }
        content.put("runs", runs);
        content.put("status", "running");
    }

    void started(Instant at) {
        runsList().add(Map.of("started", at.toString()));
        Json.writeFile(file, content);
    }

    void finished(SearchResult r) {
        content.put("status", "finished");
        content.put("finished", Instant.now().toString());
        content.put("trials", r.trials().size());
        content.put("generations_completed", r.generations());
        content.put("rejected_by_codec", r.rejected());
        content.put("evaluated_by_last_process", r.evaluatedNow());
        double hours = r.elapsed().toMillis() / 3_600_000.0;
        content.put("last_process_seconds", r.elapsed().toMillis() / 1000.0);
        content.put("evaluations_per_hour", hours > 0 ? r.evaluatedNow() / hours : null);
        content.put("knee_trial", r.knee().map(Trial::id).orElse(null));
        Json.writeFile(file, content);
    }

    @SuppressWarnings("unchecked")
    private List<Object> runsList() {
        return (List<Object>) content.get("runs");
    }

    /** Whether {@code file} records a finished run: its status is set to "finished" by the run's last write. */
    static boolean recordsFinished(Path file) {
        return "finished".equals(read(file).get("status"));
    }

    private static Map<String, Object> read(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            return Json.asObject(Json.readFile(file), file.toString());
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }


    /** The CPU model from /proc/cpuinfo, or the architecture. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }

    /** Library name -> version, from the jar manifest or the jar file name ("absent" if not on the class path). */
    static Map<String, String> libraryVersions() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (var e : LIBRARIES.entrySet()) {
            out.put(e.getKey(), version(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static String version(String artifact, String className) {
        try {
            Class<?> c = Class.forName(className, false, RunManifest.class.getClassLoader());
            var src = c.getProtectionDomain().getCodeSource();
            if (src != null) {
                String name = Path.of(src.getLocation().toURI()).getFileName().toString();
                if (name.startsWith(artifact + "-") && name.endsWith(".jar")) {
                    String v = name.substring(artifact.length() + 1, name.length() - 4);
                    return v.replace("-linux-x86_64", "");
                }
            }
            String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
            return v == null ? "unknown" : v;
        } catch (ClassNotFoundException | LinkageError e) {
            return "absent";
        } catch (Exception e) {
            return "unknown";
        }
    }
}
