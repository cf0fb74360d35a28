package io.henas.space;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import io.henas.ir.Architecture;
import io.henas.ir.Shape;
import io.henas.ir.Json;
import io.henas.space.YNode.YMap;

/**
 * Loads YAML search spaces (schema: {@code search-spaces/README.md}). Every problem is a {@link SpaceException}
 * naming file, line and field path; a fixed space and every reference are decoded at load time, so a loaded file is
 * known to hold well-formed architectures.
 */
public final class SpaceLoader {
    static final List<String> TOP_KEYS = List.of("name", "description", "dataset", "input", "classes", "defaults",
            "stages", "head", "references", "train", "search", "he", "preprocessing");
    static final List<String> PREPROCESSING_KEYS = List.of("scale", "mean", "std", "resize");
    static final List<String> REFERENCE_KEYS = List.of("name", "description", "defaults", "stages", "head");
    static final List<String> BUDGET_KEYS = List.of("epochs", "train_images", "validation_images", "test_images",
            "batch_size", "learning_rate", "seed", "augment", "weight_decay");
    static final List<String> AUGMENT_KEYS = List.of("shift", "flip");
    static final List<String> TRAIN_KEYS = List.of("proxy", "full", "rungs", "promote");
    static final List<String> SEARCH_KEYS = List.of("population", "generations", "seed", "objectives", "constraints",
            "seed_references");
    static final List<String> CONSTRAINT_KEYS = List.of("max_logn", "max_latency_s", "max_depth", "max_key_bytes");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private SpaceLoader() {
    }

    /**
     * Reads and parses a space file; errors name the file as given.
     *
     * @throws SpaceException if the file cannot be read or breaks the schema
     */
    public static SearchSpace load(Path file) {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new SpaceException(file.toString(), 0, "", "must be a YAML file, but is a directory");
            }
            long size = Files.size(file);
            if (size > 4L * YNode.MAX_CHARS) {
                throw new SpaceException(file.toString(), 0, "", "must have at most " + YNode.MAX_CHARS
                        + " characters (a search space is a few kilobytes), but has " + size + " bytes");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SpaceException(file.toString(), 0, "", "cannot be read: no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new SpaceException(file.toString(), 0, "", "cannot be read: permission denied");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new SpaceException(file.toString(), 0, "", "must be UTF-8 text, but is not");
        } catch (IOException e) {
            throw new SpaceException(file.toString(), 0, "", "cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString(), file);
    }

    /**
     * Parses space text; {@code fileName} names it in errors and becomes {@link SearchSpace#source()}.
     *
     * @throws SpaceException if the text breaks the schema
     */
    public static SearchSpace parse(String text, String fileName) {
        return parse(text, fileName, Path.of(fileName));
    }

    private static SearchSpace parse(String text, String fileName, Path source) {
        YNode root = YNode.parse(text, fileName);
        if (!root.isMap()) {
            throw root.error("must be a mapping of keys (" + String.join(", ", TOP_KEYS) + "), but was "
                    + root.describe());
        }
        YMap m = root.map(TOP_KEYS);
        String name = name(m.require("name"));
        String description = m.get("description").map(YNode::string).orElse("");
        YNode datasetNode = m.require("dataset");
        String datasetKey = datasetNode.oneOf(Dataset.KEYS);
        Dataset dataset = dataset(m, datasetKey);
        NetTemplate net = new NetParser(true).parse(m.get("defaults"), m.require("stages"), m.get("head"), root);
        List<Architecture> references = m.get("references").map(n -> references(n, dataset)).orElse(List.of());
        TrainBudget proxy = TrainBudget.defaultProxy();
        TrainBudget full = TrainBudget.defaultFull(dataset);
        List<TrainBudget> rungs = List.of();
        double promote = 1.0;
        if (m.has("train")) {
            YMap t = m.require("train").map(TRAIN_KEYS);
            if (t.has("proxy")) {
                proxy = budget(t.require("proxy"), dataset, proxy);
            }
            if (t.has("full")) {
                full = budget(t.require("full"), dataset, full);
            }
            if (t.has("rungs")) {
                if (t.has("proxy")) {
                    throw t.require("rungs").error("and train.proxy are exclusive (the first rung is the proxy), "
                            + "but both were given (proxy at line " + t.require("proxy").line() + ")");
                }
                rungs = rungs(t.require("rungs"), dataset);
                proxy = rungs.get(0);
                YNode pn = t.get("promote").orElseThrow(() -> t.require("rungs").error(
                        "needs train.promote, the fraction promoted after each rung (e.g. 0.34), but it was missing"));
                promote = pn.number();
                if (!(promote > 0 && promote < 1)) {
                    throw pn.error("must be in (0, 1) (the fraction of a rung's candidates promoted), but was "
                            + promote);
                }
            } else if (t.has("promote")) {
                throw t.require("promote").error("needs train.rungs (without rungs nothing is promoted), but "
                        + "train.rungs was missing");
            }
        }
        SearchSettings search = m.get("search").map(SpaceLoader::search).orElse(SearchSettings.defaults());
        // the throughput objective implies batch packing: it is the default then, and single is a contradiction
        boolean throughput = search.objectives().contains(Objective.THROUGHPUT);
        String defaultPacking = throughput ? "batch" : "single";
        HeSettings he = m.get("he").map(n -> {
            YNode.YMap h = n.map(List.of("merge", "packing"));
            Optional<YNode> pn = h.get("packing");
            String packing = pn.map(p -> p.oneOf(HeSettings.PACKINGS)).orElse(defaultPacking);
            if (throughput && !packing.equals("batch")) {
                throw pn.orElseThrow().error("must be batch when search.objectives lists throughput (images/s is "
                        + "the batch packing's objective), but was " + packing);
            }
            return new HeSettings(h.get("merge").map(YNode::bool).orElse(true), packing);
        }).orElse(new HeSettings(true, defaultPacking));
        String sha = CanonicalKey.sha256(Json.write(root.normalized()));
        SearchSpace space = new SearchSpace(name, description, source, dataset, net, references, proxy, full, rungs,
                promote, search, he, sha);
        if (space.isFixed()) {
            try {
                space.fixed();
            } catch (InvalidCandidateException e) {
                throw new SpaceException(fileName, net.lineOf(e.path()), "", "is not a valid architecture: "
                        + e.getMessage());
            }
        }
        return space;
    }

    private static String name(YNode n) {
        String s = n.string();
        if (!NAME.matcher(s).matches()) {
            throw n.error("must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit), but was '"
                    + s + "'");
        }
        return s;
    }

    /** The dataset: a fixed one (input and classes, if given, must match it) or a declared npz / folder one. */
    private static Dataset dataset(YMap m, String key) {
        Dataset fixed = Dataset.byKey(key);
        Dataset d;
        if (fixed != null) {
            m.get("input").ifPresent(n -> checkInput(n, fixed));
            m.get("classes").ifPresent(n -> {
                long c = n.integer(2, 1000);
                if (c != fixed.classes()) {
                    throw n.error("must be " + fixed.classes() + " for dataset " + fixed.key() + ", but was " + c);
                }
            });
            d = fixed;
        } else {
            YNode in = m.get("input").orElseThrow(() -> m.require("dataset").error("is " + key + ", which needs"
                    + " input: [channels, height, width] (the images' shape), but input was missing"));
            YNode cl = m.get("classes").orElseThrow(() -> m.require("dataset").error("is " + key + ", which needs"
                    + " classes: N (2-256), but classes was missing"));
            d = Dataset.declared(key, shape(in), (int) cl.integer(2, 256));
            if (key.equals("folder") && d.input().channels() != 1 && d.input().channels() != 3) {
                throw in.error("must have 1 (grey) or 3 (RGB) channels for an image folder, but had "
                        + d.input().channels());
            }
        }
        if (m.has("preprocessing")) {
            d = d.withPreprocessing(preprocessing(m.require("preprocessing"), d));
        }
        return d;
    }

    private static Dataset.Preprocessing preprocessing(YNode n, Dataset d) {
        YMap p = n.map(PREPROCESSING_KEYS);
        double scale = 1;
        if (p.has("scale")) {
            YNode x = p.require("scale");
            scale = x.number();
            if (!Double.isFinite(scale) || scale == 0) {
                throw x.error("must be finite and non-zero, but was " + scale);
            }
        }
        List<Double> mean = perChannel(p.get("mean"), d, "mean", false);
        List<Double> std = perChannel(p.get("std"), d, "std", true);
        if (mean.isEmpty() != std.isEmpty()) {
            throw n.error("must give both mean and std (one value per channel) or neither, but gave only "
                    + (mean.isEmpty() ? "std" : "mean"));
        }
        boolean resize = p.get("resize").map(YNode::bool).orElse(false);
        if (resize && !d.key().equals("folder")) {
            throw p.require("resize").error("applies to image folders only (dataset: folder), but the dataset is "
                    + d.key());
        }
        return new Dataset.Preprocessing(scale, mean, std, resize);
    }

    private static List<Double> perChannel(Optional<YNode> node, Dataset d, String what, boolean positive) {
        if (node.isEmpty()) {
            return List.of();
        }
        YNode n = node.get();
        List<YNode> items = n.list();
        int c = d.input().channels();
        if (items.size() != c) {
            throw n.error("must list one " + what + " per channel (" + c + "), but had " + items.size());
        }
        List<Double> out = new ArrayList<>();
        for (YNode x : items) {
            double v = x.number();
            if (!Double.isFinite(v) || (positive && !(v > 0))) {
                throw x.error("must be finite" + (positive ? " and > 0" : "") + ", but was " + v);
            }
            out.add(v);
        }
        return out;
    }

    private static Shape shape(YNode n) {
        List<YNode> dims = n.list();
        if (dims.size() != 3) {
            throw n.error("must be [channels, height, width], but had " + dims.size() + " values");
        }
        return new Shape((int) dims.get(0).integer(1, 4096), (int) dims.get(1).integer(1, 4096),
                (int) dims.get(2).integer(1, 4096));
    }

    private static void checkInput(YNode n, Dataset dataset) {
        Shape s = shape(n);
        Shape want = dataset.input();
        if (!s.equals(want)) {
            throw n.error("must be [" + want.channels() + ", " + want.height() + ", " + want.width() + "] for dataset "
                    + dataset.key() + ", but was [" + s.channels() + ", " + s.height() + ", " + s.width() + "]");
        }
    }

    private static List<Architecture> references(YNode n, Dataset dataset) {
        List<Architecture> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (YNode r : n.list()) {
            YMap m = r.map(REFERENCE_KEYS);
            YNode nameNode = m.require("name");
            String name = name(nameNode);
            if (seen.containsKey(name)) {
                throw nameNode.error("repeats the reference name '" + name + "' of line " + seen.get(name)
                        + "; reference names must be distinct");
            }
            seen.put(name, nameNode.line());
            NetTemplate net = new NetParser(false).parse(m.get("defaults"), m.require("stages"), m.get("head"), r);
            SearchSpace one = new SearchSpace(name, "", Path.of(r.file()), dataset, net, List.of(),
                    TrainBudget.defaultProxy(), TrainBudget.defaultFull(dataset), SearchSettings.defaults(),
                    HeSettings.defaults(), "");
            try {
                out.add(one.decodeNamed(new int[0], name));
            } catch (InvalidCandidateException e) {
                throw new SpaceException(r.file(), net.lineOf(e.path()), r.path(), "is not a valid architecture: "
                        + e.getMessage());
            }
        }
        return out;
    }

    private static TrainBudget budget(YNode n, Dataset d, TrainBudget def) {
        YMap m = n.map(BUDGET_KEYS);
        int epochs = m.get("epochs").map(x -> (int) x.integer(1, 1000)).orElse(def.epochs());
        int train = m.get("train_images").map(x -> (int) x.integer(1, d.trainSize()))
                .orElse(Math.min(def.trainImages(), d.trainSize()));
        int validation = m.get("validation_images").map(x -> (int) x.integer(0, d.trainSize() - 1))
                .orElse(def.validationImages());
        if (train + validation > d.trainSize()) {
            YNode at = m.get("validation_images").orElseGet(() -> m.require("train_images"));
            throw at.error("train_images + validation_images must be <= " + d.trainSize() + " (the " + d.key()
                    + " training split), but was " + train + " + " + validation + " = " + (train + validation));
        }
        int test = m.get("test_images").map(x -> (int) x.integer(0, d.testSize())).orElse(def.testImages());
        if (validation == 0 && test == 0) {
            throw n.error("must measure accuracy somewhere: validation_images and test_images are both 0");
        }
        int batch = m.get("batch_size").map(x -> (int) x.integer(1, 65536)).orElse(def.batchSize());
        double lr = def.learningRate();
        if (m.has("learning_rate")) {
            YNode x = m.require("learning_rate");
            lr = x.number();
            if (!(lr > 0 && lr <= 1)) {
                throw x.error("must be in (0, 1], but was " + lr);
            }
        }
        long seed = m.get("seed").map(x -> x.integer(Long.MIN_VALUE, Long.MAX_VALUE)).orElse(def.seed());
        TrainBudget.Augment augment = m.get("augment").map(SpaceLoader::augment).orElse(def.augment());
        double weightDecay = m.get("weight_decay").map(SpaceLoader::weightDecay).orElse(def.weightDecay());
        return new TrainBudget(epochs, train, validation, test, batch, lr, seed, augment, weightDecay);
    }

    /** A budget's {@code weight_decay}: a number in {@code [0, MAX_WEIGHT_DECAY]}. */
    public static double weightDecay(YNode x) {
        double w = x.number();
        if (!(w >= 0 && w <= TrainBudget.MAX_WEIGHT_DECAY)) {
            throw x.error("must be in [0, " + TrainBudget.MAX_WEIGHT_DECAY + "] (decoupled weight decay per unit "
                    + "of learning rate; 0 = none), but was " + w);
        }
        return w;
    }

    /**
     * A budget's {@code augment}: a mapping of {@code shift} (pixels, default 0) and {@code flip} (default false), or
     * {@code {}} for none.
     */
    public static TrainBudget.Augment augment(YNode n) {
        YMap m = n.map(AUGMENT_KEYS);
        int shift = m.get("shift").map(x -> (int) x.integer(0, TrainBudget.MAX_SHIFT)).orElse(0);
        boolean flip = m.get("flip").map(YNode::bool).orElse(false);
        return new TrainBudget.Augment(shift, flip);
    }

    /**
     * {@code train.rungs}: 2 to 8 budgets, each inheriting unset keys from the one before (the first from the
     * default proxy), with strictly growing cost ({@code train_images * epochs}).
     */
    private static List<TrainBudget> rungs(YNode n, Dataset d) {
        List<YNode> items = n.list();
        if (items.size() < 2 || items.size() > 8) {
            throw n.error("must list 2 to 8 budgets (cheapest first), but had " + items.size());
        }
        List<TrainBudget> out = new ArrayList<>();
        TrainBudget prev = TrainBudget.defaultProxy();
        for (YNode item : items) {
            TrainBudget b = budget(item, d, prev);
            if (!out.isEmpty() && (long) b.trainImages() * b.epochs() <= (long) prev.trainImages() * prev.epochs()) {
                throw item.error("must cost more than the rung before (train_images x epochs must grow), but was "
                        + b.trainImages() + " x " + b.epochs() + " after " + prev.trainImages() + " x "
                        + prev.epochs());
            }
            out.add(b);
            prev = b;
        }
        return out;
    }

    private static SearchSettings search(YNode n) {
        SearchSettings def = SearchSettings.defaults();
        YMap m = n.map(SEARCH_KEYS);
        int population = m.get("population").map(x -> (int) x.integer(2, 100_000)).orElse(def.population());
        int generations = m.get("generations").map(x -> (int) x.integer(1, 100_000)).orElse(def.generations());
        long seed = m.get("seed").map(x -> x.integer(Long.MIN_VALUE, Long.MAX_VALUE)).orElse(def.seed());
        List<Objective> objectives = def.objectives();
        if (m.has("objectives")) {
            YNode on = m.require("objectives");
            List<YNode> items = on.list();
            if (items.isEmpty()) {
                throw on.error("must list at least one of " + Objective.keys());
            }
            List<Objective> list = new ArrayList<>();
            for (YNode item : items) {
                Objective o = Objective.valueOf(item.oneOf(Objective.keys()).toUpperCase(java.util.Locale.ROOT));
                if (list.contains(o)) {
                    throw item.error("lists the objective " + o.key() + " twice");
                }
                if ((o == Objective.LATENCY && list.contains(Objective.THROUGHPUT))
                        || (o == Objective.THROUGHPUT && list.contains(Objective.LATENCY))) {
                    throw item.error("lists both latency and throughput, but a run optimises one of them (latency: "
                            + "one image per run; throughput: batch packing, images/s amortized)");
                }
                list.add(o);
            }
            objectives = list;
        }
        OptionalInt maxLogN = OptionalInt.empty();
        OptionalDouble maxLatency = OptionalDouble.empty();
        OptionalInt maxDepth = OptionalInt.empty();
        java.util.OptionalLong maxKeyBytes = java.util.OptionalLong.empty();
        if (m.has("constraints")) {
            YMap c = m.require("constraints").map(CONSTRAINT_KEYS);
            Optional<YNode> logN = c.get("max_logn");
            if (logN.isPresent()) {
                maxLogN = OptionalInt.of((int) logN.get().integer(10, 17));
            }
            if (c.has("max_latency_s")) {
                YNode x = c.require("max_latency_s");
                double v = x.number();
                if (!(v > 0)) {
                    throw x.error("must be > 0, but was " + v);
                }
                maxLatency = OptionalDouble.of(v);
            }
            if (c.has("max_depth")) {
                maxDepth = OptionalInt.of((int) c.require("max_depth").integer(1, 1000));
            }
            if (c.has("max_key_bytes")) {
                maxKeyBytes = java.util.OptionalLong.of(c.require("max_key_bytes").integer(1, Long.MAX_VALUE));
            }
        }
        boolean seedReferences = m.get("seed_references").map(YNode::bool).orElse(def.seedReferences());
        return new SearchSettings(population, generations, seed, objectives, maxLogN, maxLatency, maxDepth,
                maxKeyBytes, seedReferences);
    }
}
