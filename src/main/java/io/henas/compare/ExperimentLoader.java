package io.henas.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.henas.infer.LayerwiseRun;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceException;
import io.henas.space.SpaceLoader;
import io.henas.space.YNode;

/**
 * Loads an experiment file. Schema (paths relative to the experiment file):
 * <pre>
 * name: hemet-reproduction
 * description: text                       # optional
 * measure: {mode: auto|end-to-end|layerwise, reps: 1, key_memory_gb: 8, seed: 1}   # optional
 * train: {epochs: 10, train_images: 60000, validation_images: 0, test_images: 10000, batch_size: 64,
 *         learning_rate: 0.001, seed: 1, augment: {shift: 1, flip: true}, weight_decay: 0.01}
 *                                         # optional overrides of each fashion file's train.full
 * inference: {images: 100}                # optional: Fashion-MNIST test images run encrypted per trained row
 * rows:
 *   - {name: baseline, role: baseline, architecture: cifar.yaml, merge: on, fashion: fashion.yaml}
 * </pre>
 * Every error is an {@link ExperimentException} naming file, line and field path; referenced space files are loaded
 * (errors in them keep their own file and line) and must be fixed architectures of the right dataset.
 */
public final class ExperimentLoader {
    static final List<String> TOP_KEYS = List.of("name", "description", "measure", "train", "inference", "rows");
    static final List<String> ROW_KEYS = List.of("name", "role", "architecture", "merge", "fashion");
    static final List<String> MEASURE_KEYS = List.of("mode", "reps", "key_memory_gb", "seed");
    static final List<String> TRAIN_KEYS = List.of("epochs", "train_images", "validation_images", "test_images",
            "batch_size", "learning_rate", "seed", "augment", "weight_decay");
    static final List<String> ROLES = List.of("baseline", "variant", "searched");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    private ExperimentLoader() {
    }

    /**
     * Reads and validates an experiment file.
     *
     * @throws ExperimentException if the file cannot be read or breaks the schema
     * @throws SpaceException      if a referenced space file is malformed
     */
    public static Experiment load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExperimentException(file.toString(), 0, "", "cannot be read: " + e);
        }
        return parse(text, file);
    }

    /** Parses experiment text; relative paths resolve against {@code file}'s directory. */
    public static Experiment parse(String text, Path file) {
        YNode root = YNode.parse(text, file.toString(), ExperimentException::new,
                "is empty; an experiment needs at least name and rows");
        YNode.YMap m = root.map(TOP_KEYS);
        String name = name(m.require("name"));
        String description = m.get("description").map(YNode::string).orElse("");
        Experiment.Measure measure = m.get("measure").map(ExperimentLoader::measure)
                .orElse(Experiment.Measure.defaults());
        Experiment.TrainOverride train = m.get("train").map(ExperimentLoader::train)
                .orElse(Experiment.TrainOverride.none());
        int images = 100;
        if (m.has("inference")) {
            YNode.YMap inf = m.require("inference").map(List.of("images"));
            images = (int) inf.require("images").integer(1, 10_000);
        }
        Path dir = file.toAbsolutePath().getParent();
        YNode rowsNode = m.require("rows");
        List<YNode> items = rowsNode.list();
        if (items.isEmpty()) {
            throw rowsNode.error("must list at least one row, but was empty");
        }
        List<Experiment.Row> rows = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        Map<Path, SearchSpace> loaded = new HashMap<>();
        int searched = 0;
        for (YNode item : items) {
            YNode.YMap r = item.map(ROW_KEYS);
            YNode nameNode = r.require("name");
            String rowName = name(nameNode);
            if (seen.containsKey(rowName)) {
                throw nameNode.error("repeats the row name '" + rowName + "' of line " + seen.get(rowName)
                        + "; row names must be distinct");
            }
            seen.put(rowName, nameNode.line());
            YNode roleNode = r.require("role");
            Experiment.Role role = Experiment.Role.valueOf(roleNode.oneOf(ROLES).toUpperCase(java.util.Locale.ROOT));
            if (role == Experiment.Role.SEARCHED && ++searched > 1) {
                throw roleNode.error("must name at most one searched row, but this is the second");
            }
            SearchSpace arch = space(r.require("architecture"), dir, "cifar10", loaded);
            boolean merge = r.get("merge").map(YNode::onOff).orElse(arch.he().merge());
            Optional<SearchSpace> fashion = r.get("fashion").map(n -> space(n, dir, "fashion-mnist", loaded));
            rows.add(new Experiment.Row(rowName, role, arch, merge, fashion, item.line()));
        }
        if (rows.stream().noneMatch(x -> x.role() == Experiment.Role.BASELINE)) {
            throw rowsNode.error("must hold at least one row with role baseline, but had none");
        }
        return new Experiment(name, description, file, rows, measure, train, images, sha256(text));
    }

    static String sha256(String text) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static String name(YNode n) {
        String s = n.string();
        if (!NAME.matcher(s).matches()) {
            throw n.error("must be 1-64 letters, digits, '.', '_', '+' or '-' (starting with a letter or digit), but"
                    + " was '" + s + "'");
        }
        return s;
    }

    private static SearchSpace space(YNode n, Path dir, String dataset, Map<Path, SearchSpace> loaded) {
        Path p = dir.resolve(n.string()).normalize();
        if (!Files.isRegularFile(p)) {
            throw n.error("must name an existing space file (relative to the experiment file), but " + p
                    + " does not exist");
        }
        SearchSpace s = loaded.get(p);
        if (s == null) {
            s = SpaceLoader.load(p);
            loaded.put(p, s);
        }
        if (!s.isFixed()) {
            throw n.error("must be a fixed architecture (a space file without choices), but " + p + " has "
                    + s.genes().size() + " choices");
        }
        if (!s.dataset().equals(dataset)) {
            throw n.error("must be a " + dataset + " space file, but " + p + " has dataset " + s.dataset());
        }
        return s;
    }

    private static Experiment.Measure measure(YNode n) {
        YNode.YMap m = n.map(MEASURE_KEYS);
        Experiment.Measure d = Experiment.Measure.defaults();
        LayerwiseRun.Mode mode = d.mode();
        if (m.has("mode")) {
            mode = switch (m.require("mode").oneOf(List.of("auto", "end-to-end", "layerwise"))) {
                case "end-to-end" -> LayerwiseRun.Mode.END_TO_END;
                case "layerwise" -> LayerwiseRun.Mode.LAYERWISE;
                default -> null;
            };
        }
        int reps = m.get("reps").map(x -> (int) x.integer(1, 1000)).orElse(d.reps());
        long mem = d.keyMemoryBytes();
        if (m.has("key_memory_gb")) {
            YNode x = m.require("key_memory_gb");
            double gb = x.number();
            if (!(gb > 0 && gb <= 4096)) {
                throw x.error("must be in (0, 4096], but was " + gb);
            }
            mem = (long) (gb * (1L << 30));
        }
        long seed = m.get("seed").map(x -> x.integer(Long.MIN_VALUE, Long.MAX_VALUE)).orElse(d.seed());
        return new Experiment.Measure(mode, reps, mem, seed);
    }

    private static Experiment.TrainOverride train(YNode n) {
        YNode.YMap m = n.map(TRAIN_KEYS);
        Optional<Double> lr = Optional.empty();
        if (m.has("learning_rate")) {
            YNode x = m.require("learning_rate");
            double v = x.number();
            if (!(v > 0 && v <= 1)) {
                throw x.error("must be in (0, 1], but was " + v);
            }
            lr = Optional.of(v);
        }
        return new Experiment.TrainOverride(
                m.get("epochs").map(x -> (int) x.integer(1, 1000)),
                m.get("train_images").map(x -> (int) x.integer(1, 60_000)),
                m.get("validation_images").map(x -> (int) x.integer(0, 59_999)),
                m.get("test_images").map(x -> (int) x.integer(0, 10_000)),
                m.get("batch_size").map(x -> (int) x.integer(1, 65_536)),
                lr,
                m.get("seed").map(x -> x.integer(Long.MIN_VALUE, Long.MAX_VALUE)),
                m.get("augment").map(io.henas.space.SpaceLoader::augment),
                m.get("weight_decay").map(io.henas.space.SpaceLoader::weightDecay));
    }
}
