package io.henas.ir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * henas' one configured Jackson mapper and the file helpers around it. Reading is strict: duplicate keys, trailing
 * tokens and nesting deeper than {@value #MAX_DEPTH} are rejected, integers come back as {@link Long} (a
 * {@link java.math.BigInteger} past 64 bits), other numbers as {@link Double}; a record's components must all be
 * present (a {@code double} component may be {@code null}: NaN, as written); every failure is a
 * {@link JsonException} naming the source (file) and the field path. Records are written and read with snake_case
 * property names ({@link #toValue}, {@link #toTree}); untyped documents are {@link Map} (insertion-ordered),
 * {@link List}, {@link String}, {@link Long}, {@link Double}, {@link Boolean} and {@code null}. Non-finite doubles are
 * written as {@code null} (JSON has no NaN).
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted when reading. */
    public static final int MAX_DEPTH = 512;

    private static final ObjectMapper MAPPER = build();
    private static final ObjectWriter PRETTY = MAPPER.writer(prettyPrinter());

    private Json() {
    }

    private static ObjectMapper build() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        SimpleModule finite = new SimpleModule("henas-finite-doubles");
        finite.addSerializer(Double.class, new FiniteDouble());
        finite.addSerializer(double.class, new FiniteDouble());
        finite.addSerializer(Float.class, new FiniteFloat());
        finite.addSerializer(double[].class, new FiniteDoubles());
        finite.addDeserializer(double.class, new NanForNull());
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .addModule(finite)
                .build();
    }

    /** Two-space indentation, {@code "key": value}, one array element per line, {} and [] when empty. */
    private static DefaultPrettyPrinter prettyPrinter() {
        Separators s = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indent = new DefaultIndenter("  ", "\n");
        return new DefaultPrettyPrinter(s).withObjectIndenter(indent).withArrayIndenter(indent);
    }

    /** The configured mapper (snake_case, strict), for callers that bind records directly. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Compact JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + typeName(value) + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Indented JSON (2 spaces) with a trailing newline, for files people read. */
    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + typeName(value) + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@link #pretty} to {@code file} atomically (temporary file, then rename). */
    public static void writeFile(Path file, Object value) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // a sibling temporary file with default permissions (createTempFile would make it owner-only)
            Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + Thread.currentThread().threadId() + ".tmp");
            Files.writeString(tmp, pretty(value), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a whole document into plain Java values; {@code source} names it in error messages. */
    public static Object parse(String text, String source) {
        return read(text, source, Object.class);
    }

    /** Reads and parses a file. */
    public static Object readFile(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses a whole document into a {@code type} (a record, with snake_case keys). */
    public static <T> T read(String text, String source, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw error(source, e);
        }
    }

    /** Reads a file into a {@code type} (a record, with snake_case keys). */
    public static <T> T readFile(Path file, Class<T> type) throws IOException {
        return read(Files.readString(file, StandardCharsets.UTF_8), file.toString(), type);
    }

    /** A parsed document (maps, lists ...) bound to a {@code type}; errors name {@code source} and the field. */
    public static <T> T toValue(Object tree, String source, Class<T> type) {
        try {
            return MAPPER.convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof JsonProcessingException p) {
                throw error(source, p);
            }
            throw new JsonException(source + ": " + e.getMessage());
        }
    }

    /** A value (a record ...) as plain maps, lists, strings, numbers, with snake_case keys. */
    public static Map<String, Object> toTree(Object value) {
        return asObject(MAPPER.convertValue(value, Object.class), typeName(value));
    }

    /**
     * {@code m.get(key)} for a snake_case {@code key}, falling back to the camelCase spelling older henas versions
     * wrote ({@code log_n} -> {@code logN}, {@code train_accuracy} -> {@code trainAccuracy}): for readers of files
     * users keep (run directories, model files).
     */
    public static Object field(Map<String, Object> m, String key) {
        if (m.containsKey(key)) {
            return m.get(key);
        }
        return m.get(legacyName(key));
    }

    /** The camelCase spelling of a snake_case key ({@code test_accuracy -> testAccuracy}). */
    public static String legacyName(String snake) {
        StringBuilder sb = new StringBuilder(snake.length());
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    /** The object at the top of a parsed document, or a {@link JsonException} naming {@code source}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object v, String source) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new JsonException(source + ": expected a JSON object, but was " + kind(v));
    }

    private static JsonException error(String source, JsonProcessingException e) {
        StringBuilder path = new StringBuilder();
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                }
            }
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + " column "
                + at.getColumnNr() + " (offset " + at.getCharOffset() + ")";
        String what = e.getOriginalMessage();
        int nl = what == null ? -1 : what.indexOf('\n');
        what = nl < 0 ? what : what.substring(0, nl);
        // Jackson's hints on how to relax its configuration are not for henas users
        for (String hint : new String[]{" (but could if coercion", "; `DeserializationFeature.", ", not marked as ignorable",
                ": enable `JsonReadFeature.", ": enable `JsonParser.Feature.", " (JSON String, Number, Array, Object or token"}) {
            int h = what == null ? -1 : what.indexOf(hint);
            what = h < 0 ? what : what.substring(0, h);
        }
        String kind = e instanceof JsonMappingException && !path.isEmpty() ? "invalid field '" + path + "'"
                : "malformed JSON";
        JsonException x = new JsonException(source + ": " + kind + where + ": " + what);
        x.initCause(e);
        return x;
    }

    private static String typeName(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    private static String kind(Object v) {
        return v == null ? "null" : v instanceof List ? "an array" : v instanceof String ? "a string"
                : v instanceof Number ? "a number" : v instanceof Boolean ? "a boolean" : v.getClass().getSimpleName();
    }

    private static void number(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeNull();
        }
    }

    private static final class FiniteDouble extends StdSerializer<Double> {
        FiniteDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double d, JsonGenerator g, SerializerProvider p) throws IOException {
            number(g, d);
        }
    }

    /** A {@code double} read from JSON: {@code null} is NaN (non-finite doubles are written as null). */
    private static final class NanForNull extends StdDeserializer<Double> {
        NanForNull() {
            super(double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (!p.currentToken().isNumeric()) {
                return (Double) ctx.handleUnexpectedToken(double.class, p);
            }
            return p.getDoubleValue();
        }

        @Override
        public Double getNullValue(DeserializationContext ctx) {
            return Double.NaN;
        }
    }

    private static final class FiniteFloat extends StdSerializer<Float> {
        FiniteFloat() {
            super(Float.class);
        }

        @Override
        public void serialize(Float f, JsonGenerator g, SerializerProvider p) throws IOException {
            number(g, f.doubleValue());
        }
    }

    private static final class FiniteDoubles extends StdSerializer<double[]> {
        FiniteDoubles() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] a, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(a, a.length);
            for (double d : a) {
                number(g, d);
            }
            g.writeEndArray();
        }
    }
}
