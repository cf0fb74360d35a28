package io.henas.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code src/test/resources/io/henas/space/bad/} is a malformed space whose first line is
 * {@code # expect: <the exact error message>}; loading it must throw a {@link SpaceException} with that message.
 */
class SpaceErrorsTest {
    private static final String EXPECT = "# expect: ";

    static Stream<Path> badFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(SpaceErrorsTest.class.getResource("bad").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            return list.stream();
        }
    }

    @Test
    void thereAreAtLeastADozenBadFiles() throws Exception {
        assertTrue(badFiles().count() >= 12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileFailsWithItsExpectedMessage(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String first = text.lines().findFirst().orElseThrow();
        assertTrue(first.startsWith(EXPECT), file + " must start with '" + EXPECT + "'");
        String expected = first.substring(EXPECT.length());
        String name = file.getFileName().toString();
        SpaceException e = assertThrows(SpaceException.class, () -> SpaceLoader.parse(text, name));
        assertEquals(expected, e.getMessage());
        assertEquals(name, e.file());
        assertTrue(e.getMessage().startsWith(name + (e.line() > 0 ? ":" + e.line() + ": " : ": ")
                + (e.path().isEmpty() ? "" : e.path() + " ")), e.getMessage());
    }

    @Test
    void exceptionPartsAreAvailableOneByOne() {
        SpaceException e = assertThrows(SpaceException.class, () -> SpaceLoader.parse("""
                name: parts
                dataset: fashion-mnist
                stages:
                  - blocks:
                      - {type: conv, channels: 8, stride: 3}
                """, "parts.yaml"));
        assertEquals("parts.yaml", e.file());
        assertEquals(5, e.line());
        assertEquals("stages[0].blocks[0].stride", e.path());
        assertEquals("must be one of [1, 2], but was 3", e.problem());
        assertTrue(e instanceof IllegalArgumentException);
    }

    @Test
    void loadNamesTheFileAsGiven(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path f = dir.resolve("space.yaml");
        Files.writeString(f, "name: x\ndataset: cifar10\nstages: []\n");
        SpaceException e = assertThrows(SpaceException.class, () -> SpaceLoader.load(f));
        assertEquals(f + ":3: stages must list at least one stage", e.getMessage());
        SpaceException missing = assertThrows(SpaceException.class, () -> SpaceLoader.load(dir.resolve("no.yaml")));
        assertTrue(missing.getMessage().startsWith(dir.resolve("no.yaml") + ": cannot be read: "), missing.getMessage());
    }
}
