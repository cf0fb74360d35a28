package io.henas.compare;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A YAML node with its file and field path whose typed accessors throw {@link ExperimentException}s naming file,
 * line and path (snakeyaml-engine's node API with marks, YAML 1.2 core schema; the approach of
 * {@code space.SpaceLoader}).
 */
final class YamlNode {
    private final String file;
    private final String path;
    private final Node node;

    private YamlNode(String file, String path, Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** Composes {@code text}; malformed YAML, tabs in indentation and an empty document are errors. */
    static YamlNode parse(String text, String file) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            for (int c = 0; c < l.length() && (l.charAt(c) == ' ' || l.charAt(c) == '\t'); c++) {
                if (l.charAt(c) == '\t') {
                    throw new ExperimentException(file, i + 1, "", "has a tab in its indentation at column " + (c + 1)
                            + "; YAML indents with spaces only");
                }
            }
        }
        LoadSettings settings = LoadSettings.builder().setLabel(file).setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true).setAllowNonScalarKeys(true).setMaxAliasesForCollections(50)
                .setUseMarks(true).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new ExperimentException(file, line, "", "is not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ExperimentException(file, 0, "", "is not valid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) {
            throw new ExperimentException(file, 0, "", "is empty; an experiment needs at least name and rows");
        }
        return new YamlNode(file, "", root.get());
    }

    String file() {
        return file;
    }

    String path() {
        return path;
    }

    int line() {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    ExperimentException error(String problem) {
        return new ExperimentException(file, line(), path, problem);
    }

    String describe() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        if (s.getTag().equals(Tag.NULL)) {
            return "empty (null)";
        }
        return s.getTag().equals(Tag.STR) ? "'" + s.getValue() + "'" : s.getValue();
    }

    List<YamlNode> list() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("must be a list, but was " + describe());
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(new YamlNode(file, path + "[" + i + "]", seq.getValue().get(i)));
        }
        return out;
    }

    /** A mapping with keys from {@code known}; unknown, duplicated and non-string keys are errors at their line. */
    Fields map(List<String> known) {
        if (!(node instanceof MappingNode m)) {
            throw error("must be a mapping (key: value lines), but was " + describe());
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            YamlNode key = new YamlNode(file, path, t.getKeyNode());
            if (!(t.getKeyNode() instanceof ScalarNode ks) || !ks.getTag().equals(Tag.STR)) {
                throw key.error("keys must be plain names, but one was " + key.describe());
            }
            String k = ks.getValue();
            String childPath = path.isEmpty() ? k : path + "." + k;
            if (!known.contains(k)) {
                throw new ExperimentException(file, key.line(), childPath, "is not a known key; known keys: "
                        + String.join(", ", known));
            }
            if (entries.containsKey(k)) {
                throw new ExperimentException(file, key.line(), childPath, "is given twice (lines "
                        + entries.get(k).line() + " and " + key.line() + "); each key may appear once");
            }
            entries.put(k, new YamlNode(file, childPath, t.getValueNode()));
        }
        return new Fields(this, entries);
    }

    String string() {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
            return s.getValue();
        }
        throw error("must be a string, but was " + describe());
    }

    String oneOf(List<String> allowed) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR) && allowed.contains(s.getValue())) {
            return s.getValue();
        }
        throw error("must be one of " + allowed + ", but was " + describe());
    }

    long integer(long min, long max) {
        if (!(node instanceof ScalarNode s && s.getTag().equals(Tag.INT))) {
            throw error("must be an integer, but was " + describe());
        }
        String t = s.getValue().startsWith("+") ? s.getValue().substring(1) : s.getValue();
        BigInteger v = t.startsWith("0x") ? new BigInteger(t.substring(2), 16) : new BigInteger(t);
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error("must be in [" + min + ", " + max + "], but was " + v);
        }
        return v.longValue();
    }

    double number() {
        if (node instanceof ScalarNode s && (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT))) {
            String v = s.getValue().toLowerCase(Locale.ROOT);
            if (!v.contains("inf") && !v.contains("nan")) {
                return Double.parseDouble(v);
            }
        }
        throw error("must be a finite number, but was " + describe());
    }

    /** {@code on}/{@code off} (strings) or {@code true}/{@code false}. */
    boolean onOff() {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return s.getValue().toLowerCase(Locale.ROOT).equals("true");
        }
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)
                && (s.getValue().equals("on") || s.getValue().equals("off"))) {
            return s.getValue().equals("on");
        }
        throw error("must be on or off, but was " + describe());
    }

    /** The entries of a mapping node, by key, in file order. */
    record Fields(YamlNode self, Map<String, YamlNode> entries) {
        Optional<YamlNode> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        boolean has(String key) {
            return entries.containsKey(key);
        }

        YamlNode require(String key) {
            YamlNode v = entries.get(key);
            if (v == null) {
                String p = self.path.isEmpty() ? key : self.path + "." + key;
                throw new ExperimentException(self.file, self.line(), p, "is required");
            }
            return v;
        }
    }
}
