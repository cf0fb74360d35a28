package io.henas.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Compare's charts are written like the report's: encoded in memory, then moved into place (no temporary left). */
class ChartsTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private static CategoryChart chart(double v) {
        CategoryChart c = new CategoryChartBuilder().width(200).height(120).title("t").build();
        c.addSeries("s", List.of("a", "b"), List.of(v, 1.0));
        return c;
    }

    @Test
    void aChartReplacesTheOldOneWholeAndLeavesNoTemporary() throws IOException {
        Path png = dir.resolve("latency.png");
        Files.writeString(png, "an old, half-written chart");
        Charts.save(chart(2), png);
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, PNG_MAGIC.length));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("latency.png"), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void aMissingDirectoryIsAnErrorAndCreatesNothing() {
        Path png = dir.resolve("gone").resolve("latency.png");
        assertThrows(NoSuchFileException.class, () -> Charts.save(chart(2), png));
        assertFalse(Files.exists(dir.resolve("gone")));
    }
}
