package io.henas.space;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
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
 * A YAML node with its file name and field path, and typed accessors whose errors name file, line and path
 * ({@link SpaceException}s for space files; other loaders, e.g. {@code compare}'s, pass their own {@link Errors}).
 * Built on snakeyaml-engine's node API (YAML 1.2 core schema), so every value keeps its mark.
 */
public final class YNode {
    /** Builds the exception for a problem at a file, line and field path (each loader has its own type). */
    @FunctionalInterface
    public interface Errors {
        RuntimeException at(String file, int line, String path, String problem);
    }

    private final String file;
    private final String path;
    private final Node node;
    private final Errors errors;

    private YNode(String file, String path, Node node, Errors errors) {
        this.errors = errors;
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** Composes a search-space file: errors are {@link SpaceException}s. */
    static YNode parse(String text, String file) {
        return parse(text, file, SpaceException::new, "is empty; a search space needs at least name, dataset and stages");
    }

    /**
     * Composes {@code text} into the root node; malformed YAML, tabs in indentation and an empty document (reported
     * as {@code emptyProblem}) are errors built by {@code errors}, as are the accessors' errors.
     */
    /** Limits checked before composing: total size, line length, nesting (flow brackets and indentation). */
    static final int MAX_CHARS = 1 << 20;
    static final int MAX_LINE = 4096;
    static final int MAX_DEPTH = 64;

    /** Open flow brackets after {@code line}, quotes and comments roughly skipped (an over-estimate is harmless). */
    private static int flowDepth(String line, int depth) {
        char quote = 0;
        for (int c = 0; c < line.length(); c++) {
            char ch = line.charAt(c);
            if (quote != 0) {
                quote = ch == quote ? 0 : quote;
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '#' && (c == 0 || line.charAt(c - 1) == ' ')) {
                break;
            } else if (ch == '[' || ch == '{') {
                depth++;
            } else if (ch == ']' || ch == '}') {
                depth = Math.max(0, depth - 1);
            }
        }
        return depth;
    }

    public static YNode parse(String text, String file, Errors errors, String emptyProblem) {
        if (text.length() > MAX_CHARS) {
            throw errors.at(file, 0, "", "must have at most " + MAX_CHARS + " characters (a search space is a few"
                    + " kilobytes), but has " + text.length());
        }
        String[] lines = text.split("\n", -1);
        int flowDepth = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.length() > MAX_LINE) {
                throw errors.at(file, i + 1, "", "has a line of " + l.length() + " characters, but lines must have at"
                        + " most " + MAX_LINE);
            }
            flowDepth = flowDepth(l, flowDepth);
            int indent = 0;
            while (indent < l.length() && (l.charAt(indent) == ' ' || l.charAt(indent) == '-')) {
                indent++;
            }
            if (flowDepth > MAX_DEPTH || indent > 2 * MAX_DEPTH) {
                throw errors.at(file, i + 1, "", "nests too deeply: at most " + MAX_DEPTH + " levels are allowed");
            }
            for (int c = 0; c < l.length() && (l.charAt(c) == ' ' || l.charAt(c) == '\t'); c++) {
                if (l.charAt(c) == '\t') {
                    throw errors.at(file, i + 1, "", "has a tab in its indentation at column " + (c + 1)
                            + "; YAML indents with spaces only");
                }
            }
        }
        LoadSettings settings = LoadSettings.builder().setLabel(file).setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true) // duplicates are reported by map() with both lines
                .setAllowNonScalarKeys(true) // reported by map() with a line
                .setMaxAliasesForCollections(50).setCodePointLimit(MAX_CHARS + 1).setUseMarks(true).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (StackOverflowError e) {
            throw errors.at(file, 0, "", "nests too deeply: at most " + MAX_DEPTH + " levels are allowed");
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            String ctx = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw errors.at(file, line, "", "is not valid YAML: " + e.getProblem() + ctx);
        } catch (YamlEngineException e) {
            throw errors.at(file, 0, "", "is not valid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) {
            throw errors.at(file, 0, "", emptyProblem);
        }
        return new YNode(file, "", root.get(), errors);
    }

    public String file() {
        return file;
    }

    public String path() {
        return path;
    }

    /** 1-based line of the node's start, or 0 if unknown. */
    public int line() {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    /** 0-based column of the node's start. */
    public int column() {
        return node.getStartMark().map(Mark::getColumn).orElse(0);
    }

    public RuntimeException error(String problem) {
        return errors.at(file, line(), path, problem);
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    /** How the value reads in "but was ..." messages. */
    public String describe() {
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
        if (s.getTag().equals(Tag.STR)) {
            return "'" + s.getValue() + "'";
        }
        return s.getValue();
    }

    /** The elements of a list, each with path {@code path[i]}. */
    public List<YNode> list() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("must be a list, but was " + describe());
        }
        List<YNode> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(new YNode(file, path + "[" + i + "]", seq.getValue().get(i), errors));
        }
        return out;
    }

    /** The elements of a list as choices: each keeps this node's path (and its own line). */
    public List<YNode> choiceElements() {
        SequenceNode seq = (SequenceNode) node;
        List<YNode> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
            out.add(new YNode(file, path, n, errors));
        }
        return out;
    }

    /**
     * The entries of a mapping with string keys from {@code known}; unknown keys, duplicated keys and non-string keys
     * are errors at the key's line.
     */
    public YMap map(List<String> known) {
        if (!(node instanceof MappingNode m)) {
            throw error("must be a mapping (key: value lines), but was " + describe());
        }
        Map<String, YNode> entries = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            YNode key = new YNode(file, path, t.getKeyNode(), errors);
            if (!(t.getKeyNode() instanceof ScalarNode ks) || !ks.getTag().equals(Tag.STR)) {
                throw key.error("keys must be plain names, but one was " + key.describe());
            }
            String k = ks.getValue();
            String childPath = path.isEmpty() ? k : path + "." + k;
            if (!known.contains(k)) {
                String hint = suggestion(k, known);
                throw errors.at(file, key.line(), childPath, "is not a known key" + hint + "; known keys: "
                        + String.join(", ", known));
            }
            if (entries.containsKey(k)) {
                throw errors.at(file, key.line(), childPath, "is given twice (lines "
                        + entries.get(k).line() + " and " + key.line() + "); each key may appear once");
            }
            entries.put(k, new YNode(file, childPath, t.getValueNode(), errors));
        }
        return new YMap(this, entries);
    }

    /** A string scalar (plain or quoted). */
    public String string() {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
            return s.getValue();
        }
        throw error("must be a string, but was " + describe());
    }

    /** A string scalar from {@code allowed}. */
    public String oneOf(List<String> allowed) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR) && allowed.contains(s.getValue())) {
            return s.getValue();
        }
        throw error("must be one of " + allowed + ", but was " + describe());
    }

    public boolean isInteger() {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.INT);
    }

    /** An integer scalar in [min, max]. */
    public long integer(long min, long max) {
        if (!isInteger()) {
            throw error("must be an integer, but was " + describe());
        }
        BigInteger v = parseInt(((ScalarNode) node).getValue());
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error("must be in [" + min + ", " + max + "], but was " + v);
        }
        return v.longValue();
    }

    /** An integer scalar from {@code allowed}. */
    public int integerOneOf(List<Integer> allowed) {
        if (!isInteger()) {
            throw error("must be one of " + allowed + ", but was " + describe());
        }
        BigInteger v = parseInt(((ScalarNode) node).getValue());
        if (v.bitLength() > 31 || !allowed.contains(v.intValue())) {
            throw error("must be one of " + allowed + ", but was " + v);
        }
        return v.intValue();
    }

    /** A number (integer or float scalar). */
    public double number() {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            return parseInt(s.getValue()).doubleValue();
        }
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.FLOAT)) {
            String v = s.getValue().toLowerCase(Locale.ROOT);
            if (!v.contains("inf") && !v.contains("nan")) {
                return Double.parseDouble(v);
            }
        }
        throw error("must be a finite number, but was " + describe());
    }

    /** A boolean scalar ({@code true} or {@code false}). */
    public boolean bool() {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return s.getValue().toLowerCase(Locale.ROOT).equals("true");
        }
        throw error("must be true or false, but was " + describe());
    }

    /** The node as plain Java values with sorted mapping keys, for the normalized content hash. */
    /** {@code on}/{@code off} (strings) or {@code true}/{@code false}. */
    public boolean onOff() {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return s.getValue().toLowerCase(Locale.ROOT).equals("true");
        }
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)
                && (s.getValue().equals("on") || s.getValue().equals("off"))) {
            return s.getValue().equals("on");
        }
        throw error("must be on or off, but was " + describe());
    }

    public Object normalized() {
        return normalize(node);
    }

    private static Object normalize(Node n) {
        if (n instanceof MappingNode m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            for (NodeTuple t : m.getValue()) {
                out.put(String.valueOf(normalize(t.getKeyNode())), normalize(t.getValueNode()));
            }
            return out;
        }
        if (n instanceof SequenceNode s) {
            return s.getValue().stream().map(YNode::normalize).toList();
        }
        ScalarNode s = (ScalarNode) n;
        Tag tag = s.getTag();
        if (tag.equals(Tag.INT)) {
            return parseInt(s.getValue()).toString();
        }
        if (tag.equals(Tag.FLOAT)) {
            String v = s.getValue().toLowerCase(Locale.ROOT);
            return v.contains("inf") || v.contains("nan") ? v : Double.toString(Double.parseDouble(v));
        }
        if (tag.equals(Tag.BOOL)) {
            return s.getValue().toLowerCase(Locale.ROOT).equals("true");
        }
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        return "s:" + s.getValue();
    }

    private static BigInteger parseInt(String text) {
        String t = text.startsWith("+") ? text.substring(1) : text;
        if (t.startsWith("0x")) {
            return new BigInteger(t.substring(2), 16);
        }
        if (t.startsWith("0o")) {
            return new BigInteger(t.substring(2), 8);
        }
        return new BigInteger(t);
    }

    private static String suggestion(String key, List<String> known) {
        String best = null;
        int bestD = 3;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] tmp = prev;
            prev = cur;
            cur = tmp;
        }
        return prev[b.length()];
    }

    /** The entries of a mapping node, by key, in file order. */
    public record YMap(YNode self, Map<String, YNode> entries) {
        public Optional<YNode> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        public boolean has(String key) {
            return entries.containsKey(key);
        }

        public YNode require(String key) {
            YNode v = entries.get(key);
            if (v == null) {
                String p = self.path.isEmpty() ? key : self.path + "." + key;
                throw self.errors.at(self.file, self.line(), p, "is required");
            }
            return v;
        }
    }
}
