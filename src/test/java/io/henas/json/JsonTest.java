package io.henas.json;

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
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\"a\":2}", "f"));
        assertThrows(JsonException.class, () -> Json.parse("[1] x", "f"));
        assertThrows(JsonException.class, () -> Json.parse("\"abc", "f"));
        assertThrows(JsonException.class, () -> Json.parse("[".repeat(10_000), "f"));
        assertThrows(JsonException.class, () -> Json.parse("-", "f"));
    }
}
