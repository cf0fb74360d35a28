package io.henas.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a \"quoted\"\n\u0001 string");
        m.put("n", 42L);
        m.put("x", 0.125);
        m.put("whole", 3.0);
        m.put("ok", true);
        m.put("none", null);
        m.put("list", List.of(1L, List.of(), Map.of()));
        assertEquals(m, Json.parse(Json.write(m), "t"));
        assertEquals(m, Json.parse(Json.pretty(m), "t"));
    }

    @Test
    void writeFileReplacesAtomicallyWithOrdinaryPermissions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path f = dir.resolve("sub/out.json");
        Json.writeFile(f, Map.of("a", 1L));
        Json.writeFile(f, Map.of("a", 2L));
        assertEquals(Map.of("a", 2L), Json.readFile(f));
        assertTrue(java.nio.file.Files.isReadable(f));
        var perms = java.nio.file.Files.getPosixFilePermissions(f);
        assertTrue(perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                || perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ), perms.toString());
        try (var files = java.nio.file.Files.list(f.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void nonFiniteDoublesBecomeNull() {
        assertEquals("[null,null]", Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY)));
    }

    @Test
    void malformedInputNamesSourceAndOffset() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\": [1, 2,}", "f.json"));
        assertTrue(e.getMessage().startsWith("f.json: malformed JSON at line 1 column 13 (offset 12)"), e.getMessage());
        for (String bad : new String[]{"{\"w\": NaN}", "{\"w\": Infinity}", "{'w': 1}", "{\"w\": 01}", "{w: 1}"}) {
            String m = assertThrows(JsonException.class, () -> Json.parse(bad, "g.json")).getMessage();
            assertTrue(m.startsWith("g.json: ") && !m.contains("enable") && !m.contains("Feature"), m);
        }
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\"a\":2}", "f"));
        assertThrows(JsonException.class, () -> Json.parse("[1] x", "f"));
        assertThrows(JsonException.class, () -> Json.parse("\"abc", "f"));
        assertThrows(JsonException.class, () -> Json.parse("[".repeat(10_000), "f"));
        assertThrows(JsonException.class, () -> Json.parse("-", "f"));
    }

    record Sample(int logN, long seed, double trainAccuracy, String name) {
    }

    @Test
    void recordsUseSnakeCaseAndNullIsNaN() {
        Map<String, Object> tree = Json.toTree(new Sample(13, 1L << 40, Double.NaN, "x"));
        assertEquals(List.of("log_n", "seed", "train_accuracy", "name"), List.copyOf(tree.keySet()));
        assertEquals(null, tree.get("train_accuracy"));
        Sample back = Json.read(Json.write(tree), "s.json", Sample.class);
        assertTrue(Double.isNaN(back.trainAccuracy()));
        assertEquals(1L << 40, back.seed());
    }

    @Test
    void recordErrorsNameTheSourceAndTheField() {
        JsonException missing = assertThrows(JsonException.class,
                () -> Json.read("{\"log_n\": 13, \"seed\": 1, \"train_accuracy\": 0.5}", "m.json", Sample.class));
        assertTrue(missing.getMessage().startsWith("m.json: ") && missing.getMessage().contains("name"),
                missing.getMessage());
        JsonException fraction = assertThrows(JsonException.class, () -> Json.read(
                "{\"log_n\": 13.5, \"seed\": 1, \"train_accuracy\": 0.5, \"name\": \"x\"}", "f.json", Sample.class));
        assertTrue(fraction.getMessage().contains("'log_n'"), fraction.getMessage());
        JsonException text = assertThrows(JsonException.class, () -> Json.read(
                "{\"log_n\": \"13\", \"seed\": 1, \"train_accuracy\": 0.5, \"name\": \"x\"}", "t.json", Sample.class));
        assertTrue(text.getMessage().contains("'log_n'"), text.getMessage());
        JsonException number = assertThrows(JsonException.class, () -> Json.read(
                "{\"log_n\": 13, \"seed\": 1, \"train_accuracy\": 0.5, \"name\": 7}", "n.json", Sample.class));
        assertTrue(number.getMessage().contains("'name'"), number.getMessage());
        JsonException unknown = assertThrows(JsonException.class, () -> Json.read(
                "{\"log_n\": 13, \"seed\": 1, \"train_accuracy\": 0.5, \"name\": \"x\", \"extra\": 1}", "u.json",
                Sample.class));
        assertTrue(unknown.getMessage().contains("extra"), unknown.getMessage());
    }

    @Test
    void legacyCamelCaseKeysAreFoundBySnakeCaseName() {
        assertEquals("logN", Json.legacyName("log_n"));
        assertEquals("testAccuracy", Json.legacyName("test_accuracy"));
        assertEquals(13L, Json.field(Map.of("logN", 13L), "log_n"));
        assertEquals(14L, Json.field(Map.of("logN", 13L, "log_n", 14L), "log_n"));
    }
}
