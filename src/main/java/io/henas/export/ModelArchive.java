package io.henas.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import io.henas.ir.Json;

/**
 * Bounded reading of a {@code .henas} zip container. Nothing is inflated before the manifest says how large it may be:
 * the container must end exactly with an end-of-central-directory record (no comment, no trailing bytes, central
 * directory right before it), the manifest is capped at {@value #MAX_MANIFEST_BYTES} bytes, and every other entry is
 * streamed into a buffer of exactly the size the manifest declares while its SHA-256 is computed; an entry that
 * inflates beyond that size, declares more than {@value #MAX_RATIO}x its compressed size (a zip bomb), or more than
 * the heap can hold is refused before it is inflated.
 */
final class ModelArchive {
    static final int MAX_MANIFEST_BYTES = 1 << 20;
    /** Largest inflated-to-compressed ratio an entry may declare (JSON of weights deflates about 3x). */
    static final long MAX_RATIO = 200;
    /** Entries below this size are exempt from the ratio rule. */
    static final long RATIO_EXEMPT_BYTES = 1 << 20;
    private static final int EOCD_BYTES = 22;
    private static final int EOCD_SIG = 0x06054b50;

    private ModelArchive() {
    }

    /** The raw manifest bytes and the verified entries (manifest first), in the container's order. */
    record Contents(Map<String, Object> manifest, byte[] manifestBytes, Map<String, byte[]> entries) {
    }

    static Contents read(Path file, Set<String> known, String manifestName, long heapBudget) throws IOException {
        String src = file.toString();
        if (Files.isDirectory(file)) {
            throw new ExportFormatException(src + ": must be a .henas file, but is a directory");
        }
        checkEndRecord(file, src);
        try (ZipFile z = new ZipFile(file.toFile())) {
            Map<String, ZipEntry> byName = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> en = z.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                if (!known.contains(e.getName())) {
                    throw new ExportFormatException(src + ": entries must be among " + known + ", but found "
                            + printable(e.getName()));
                }
                if (byName.put(e.getName(), e) != null) {
                    throw new ExportFormatException(src + ": entry " + e.getName() + " must appear once, but is"
                            + " duplicated");
                }
            }
            ZipEntry me = byName.get(manifestName);
            if (me == null) {
                throw new ExportFormatException(src + ": must contain " + manifestName + " (is it a .henas file?),"
                        + " but has " + byName.keySet());
            }
            byte[] mb = inflate(z, me, -1, MAX_MANIFEST_BYTES, src + "!" + manifestName);
            Map<String, Object> m;
            try {
                m = Json.asObject(Json.parse(new String(mb, StandardCharsets.UTF_8), src + "!" + manifestName),
                        src + "!" + manifestName);
            } catch (RuntimeException e) {
                throw new ExportFormatException(e.getMessage(), e);
            }
            if (!(m.get("entries") instanceof Map<?, ?> listed)) {
                throw new ExportFormatException(src + ": entries must be a JSON object, but was " + m.get("entries"));
            }
            for (String k : byName.keySet()) {
                if (!k.equals(manifestName) && !listed.containsKey(k)) {
                    throw new ExportFormatException(src + ": entry " + k + " is not listed in the manifest");
                }
            }
            long total = 0;
            List<String> order = new ArrayList<>();
            Map<String, Long> sizes = new LinkedHashMap<>();
            for (var e : listed.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (!known.contains(k) || k.equals(manifestName)) {
                    throw new ExportFormatException(src + ": the manifest may list only " + known + " without "
                            + manifestName + ", but lists " + printable(k));
                }
                ZipEntry ze = byName.get(k);
                if (ze == null) {
                    throw new ExportFormatException(src + ": entry " + k + " is listed in the manifest but missing");
                }
                if (!(e.getValue() instanceof Map<?, ?> d) || !(d.get("bytes") instanceof Long n) || n < 0) {
                    throw new ExportFormatException(src + ": entries." + k + ".bytes must be a non-negative integer,"
                            + " but was " + (e.getValue() instanceof Map<?, ?> d2 ? d2.get("bytes") : e.getValue()));
                }
                if (n > ExportedModel.MAX_ENTRY_BYTES) {
                    throw new ExportFormatException(src + ": entry " + k + " must have at most "
                            + ExportedModel.MAX_ENTRY_BYTES + " bytes, but declares " + n);
                }
                long c = ze.getCompressedSize();
                if (n > RATIO_EXEMPT_BYTES && (c < 0 || n > c * MAX_RATIO)) {
                    throw new ExportFormatException(src + ": entry " + k + " must inflate to at most " + MAX_RATIO
                            + " times its compressed size, but declares " + n + " bytes from " + c
                            + " (a zip bomb?)");
                }
                total += n;
                sizes.put(k, n);
                order.add(k);
            }
            if (total > heapBudget) {
                throw new ExportFormatException(src + ": entries must fit in " + (heapBudget >> 20) + " MiB (a quarter"
                        + " of the heap; raise -Xmx for larger models), but declare " + (total >> 20) + " MiB");
            }
            Map<String, byte[]> out = new LinkedHashMap<>();
            out.put(manifestName, mb);
            for (String k : order) {
                Map<?, ?> d = (Map<?, ?>) listed.get(k);
                long n = sizes.get(k);
                byte[] data = inflate(z, byName.get(k), n, n, src + ": entry " + k);
                String want = String.valueOf(d.get("sha256"));
                String got = sha256(data);
                if (!got.equals(want)) {
                    throw new ExportFormatException(src + ": entry " + k + " must have SHA-256 " + want
                            + ", but has " + got + " (corrupt or tampered)");
                }
                out.put(k, data);
            }
            return new Contents(m, mb, out);
        } catch (ZipException e) {
            throw new ExportFormatException(src + ": not a valid " + ExportedModel.FORMAT + " file (corrupt zip: "
                    + e.getMessage() + ")", e);
        }
    }

    /** The last 22 bytes must be the end record of a comment-less archive whose central directory ends there. */
    private static void checkEndRecord(Path file, String src) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < EOCD_BYTES) {
                throw new ExportFormatException(src + ": not a valid " + ExportedModel.FORMAT + " file (must be a zip"
                        + " archive, but has only " + size + " bytes)");
            }
            ByteBuffer b = ByteBuffer.allocate(EOCD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, size - EOCD_BYTES);
            b.flip();
            boolean ok = b.remaining() == EOCD_BYTES && b.getInt(0) == EOCD_SIG && b.getShort(4) == 0
                    && b.getShort(6) == 0 && b.getShort(8) == b.getShort(10) && b.getShort(20) == 0;
            long cdSize = Integer.toUnsignedLong(b.getInt(12));
            long cdOffset = Integer.toUnsignedLong(b.getInt(16));
            if (!ok || cdOffset + cdSize != size - EOCD_BYTES) {
                throw new ExportFormatException(src + ": not a valid " + ExportedModel.FORMAT + " file (the zip must"
                        + " end with its end-of-central-directory record right after the central directory, but the"
                        + " end record is damaged or followed by other bytes)");
            }
        }
    }

    /**
     * Inflates one entry into a buffer of at most {@code max} bytes; with {@code exact >= 0} it must hold exactly that
     * many.
     */
    private static byte[] inflate(ZipFile z, ZipEntry e, long exact, long max, String what) throws IOException {
        if (e.getSize() > max || (exact >= 0 && e.getSize() >= 0 && e.getSize() != exact)) {
            throw new ExportFormatException(what + " must have " + (exact >= 0 ? exact + " bytes" : "at most " + max
                    + " bytes") + " (manifest), but its zip header says " + e.getSize());
        }
        try (InputStream in = z.getInputStream(e)) {
            if (exact < 0) {
                return ModelExporter.readAll(in, max, what);
            }
            byte[] buf = new byte[(int) exact];
            int pos = 0;
            while (pos < buf.length) {
                int r = in.read(buf, pos, buf.length - pos);
                if (r < 0) {
                    throw new ExportFormatException(what + " must have " + exact + " bytes (manifest), but has "
                            + pos);
                }
                pos += r;
            }
            if (in.read() >= 0) {
                throw new ExportFormatException(what + " must have " + exact + " bytes (manifest), but inflates to"
                        + " more");
            }
            return buf;
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
