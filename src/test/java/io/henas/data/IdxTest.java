package io.henas.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path tmp;

    private static byte[] images(int magic, int count, int rows, int cols, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + dataBytes);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void readsPlainAndGzipAlike() throws IOException {
        byte[] raw = images(Idx.IMAGES_MAGIC, 2, 3, 4, 24);
        Idx.Images plain = Idx.readImages("a", raw);
        Idx.Images gz = Idx.readImages("b", gzip(raw));
        assertEquals(2, plain.count());
        assertEquals(3, plain.rows());
        assertEquals(4, plain.cols());
        assertArrayEquals(plain.pixels(), gz.pixels());
        assertEquals(23, plain.pixels()[23]);
    }

    @Test
    void roundTripsThroughFiles() throws IOException {
        Idx.Images im = new Idx.Images(2, 2, 2, new byte[]{0, 1, 2, 3, (byte) 250, 5, 6, 7});
        Path f = tmp.resolve("x-images.gz");
        Idx.writeImagesGz(f, im);
        Idx.Images back = Idx.readImages(f);
        assertArrayEquals(im.pixels(), back.pixels());
        Path l = tmp.resolve("x-labels.gz");
        Idx.writeLabelsGz(l, new byte[]{3, 9});
        assertArrayEquals(new byte[]{3, 9}, Idx.readLabels(l));
    }

    @Test
    void wrongMagicNamesFileAndBothValues() throws IOException {
        Path f = tmp.resolve("labels-as-images");
        Files.write(f, ByteBuffer.allocate(10).putInt(Idx.LABELS_MAGIC).putInt(2).put((byte) 1).put((byte) 2).array());
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000803") && e.getMessage().contains("0x00000801"), e.getMessage());
        assertTrue(e.getMessage().endsWith("images need 3 dimensions, but the header says 1"), e.getMessage());
        IdxFormatException type = assertThrows(IdxFormatException.class,
                () -> Idx.readImages("floats", images(0x00000D03, 1, 1, 1, 4)));
        assertTrue(type.getMessage().contains("data type must be 0x08 (unsigned byte), but was 0x0d"), type.getMessage());
        IdxFormatException text = assertThrows(IdxFormatException.class,
                () -> Idx.readLabels("text", "hello world".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertTrue(text.getMessage().contains("two zero bytes"), text.getMessage());
    }

    @Test
    void truncatedAndOverlongDataAreRejected() {
        IdxFormatException shortData = assertThrows(IdxFormatException.class,
                () -> Idx.readImages("short.idx", images(Idx.IMAGES_MAGIC, 2, 3, 4, 23)));
        assertTrue(shortData.getMessage().startsWith("short.idx: "), shortData.getMessage());
        assertTrue(shortData.getMessage().contains("39 bytes"), shortData.getMessage());
        assertThrows(IdxFormatException.class, () -> Idx.readImages("long", images(Idx.IMAGES_MAGIC, 2, 3, 4, 25)));
        assertThrows(IdxFormatException.class, () -> Idx.readLabels("lab", ByteBuffer.allocate(9)
                .putInt(Idx.LABELS_MAGIC).putInt(7).put((byte) 1).array()));
    }

    @Test
    void badHeadersAreRejected() {
        assertThrows(IdxFormatException.class, () -> Idx.readImages("tiny", new byte[]{0, 0}));
        assertThrows(IdxFormatException.class, () -> Idx.readImages("hdr", ByteBuffer.allocate(8)
                .putInt(Idx.IMAGES_MAGIC).putInt(1).array()));
        IdxFormatException neg = assertThrows(IdxFormatException.class,
                () -> Idx.readImages("neg", images(Idx.IMAGES_MAGIC, -1, 3, 4, 0)));
        assertTrue(neg.getMessage().contains("image count"), neg.getMessage());
        assertThrows(IdxFormatException.class, () -> Idx.readImages("zero-rows", images(Idx.IMAGES_MAGIC, 1, 0, 4, 0)));
    }

    @Test
    void corruptGzipIsAFormatError() throws IOException {
        byte[] gz = gzip(images(Idx.IMAGES_MAGIC, 2, 3, 4, 24));
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.readImages("cut.gz", cut));
        assertTrue(e.getMessage().startsWith("cut.gz: "), e.getMessage());
    }
}
