package io.henas.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader of NumPy {@code .npy} arrays (format versions 1.0, 2.0 and 3.0): the magic {@code \x93NUMPY}, a version, a
 * little-endian header length and a Python-literal header {@code {'descr': ..., 'fortran_order': ..., 'shape': ...}}.
 * Supported: C order, little-endian or byte-sized types {@code u1 i1 u2 i2 u4 i4 u8 i8 f4}; everything else
 * (Fortran order, big-endian, float64, objects, strings) is refused with the file named. The data length follows from
 * the header and is checked against a caller's bound (the file or entry size) before anything is allocated.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Longest header accepted (NumPy writes at most a few hundred bytes; version 2 allows 4 GiB). */
    static final int MAX_HEADER = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * An array as stored.
     *
     * @param type  the element type without byte order, e.g. {@code u1} or {@code f4}
     * @param shape the dimensions
     * @param data  the element bytes, C order, little-endian
     */
    public record Array(String type, long[] shape, byte[] data) {
        /** Number of elements. */
        public long count() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Element {@code i} as a double. */
        public double get(int i) {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            return switch (type) {
                case "u1" -> data[i] & 0xff;
                case "i1" -> data[i];
                case "u2" -> b.getShort(2 * i) & 0xffff;
                case "i2" -> b.getShort(2 * i);
                case "u4" -> Integer.toUnsignedLong(b.getInt(4 * i));
                case "i4" -> b.getInt(4 * i);
                case "u8", "i8" -> b.getLong(8 * i);
                case "f4" -> b.getFloat(4 * i);
                default -> throw new IllegalStateException("unsupported type " + type);
            };
        }

        /** The shape as text, e.g. {@code (10, 32, 32, 3)}. */
        public String shapeText() {
            List<String> p = new ArrayList<>();
            for (long d : shape) {
                p.add(Long.toString(d));
            }
            return "(" + String.join(", ", p) + (shape.length == 1 ? ",)" : ")");
        }
    }

    /**
     * Reads one array from {@code in}.
     *
     * @param name     names the file (and archive entry) in errors
     * @param maxBytes most data bytes that may follow the header (the file or entry size, capped by the heap)
     * @throws DataFormatException if the array is malformed, unsupported, or larger than {@code maxBytes}
     */
    public static Array read(String name, InputStream in, long maxBytes) throws IOException {
        byte[] pre = in.readNBytes(8);
        if (pre.length < 8 || !java.util.Arrays.equals(pre, 0, 6, MAGIC, 0, 6)) {
            throw new DataFormatException(name + ": must be a NumPy .npy array (magic \\x93NUMPY), but "
                    + (pre.length < 8 ? "has only " + pre.length + " bytes" : "starts otherwise"));
        }
        int major = pre[6] & 0xff;
        long headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            if (l.length < 2) {
                throw new DataFormatException(name + ": .npy header length is truncated");
            }
            headerLen = (l[0] & 0xff) | ((l[1] & 0xff) << 8);
        } else if (major == 2 || major == 3) {
            byte[] l = in.readNBytes(4);
            if (l.length < 4) {
                throw new DataFormatException(name + ": .npy header length is truncated");
            }
            headerLen = Integer.toUnsignedLong(ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt());
        } else {
            throw new DataFormatException(name + ": .npy format version must be 1, 2 or 3, but was " + major + "."
                    + (pre[7] & 0xff));
        }
        if (headerLen > MAX_HEADER) {
            throw new DataFormatException(name + ": .npy header must be at most " + MAX_HEADER + " bytes, but announces "
                    + headerLen);
        }
        byte[] hb = in.readNBytes((int) headerLen);
        if (hb.length != headerLen) {
            throw new DataFormatException(name + ": .npy header is truncated (" + hb.length + " of " + headerLen
                    + " bytes)");
        }
        String header = new String(hb, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        String fortran = group(FORTRAN, header, name, "fortran_order");
        String shapeText = group(SHAPE, header, name, "shape");
        if (fortran.equals("True")) {
            throw new DataFormatException(name + ": arrays must be in C order, but fortran_order is True (save with"
                    + " numpy.ascontiguousarray)");
        }
        String type = type(name, descr);
        long[] shape = shape(name, shapeText);
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyHigh(count, d) != 0 || count * d > Integer.MAX_VALUE ? Long.MAX_VALUE : count * d;
        }
        long bytes = count == Long.MAX_VALUE ? Long.MAX_VALUE : count * Integer.parseInt(type.substring(1));
        if (bytes > maxBytes || bytes > Integer.MAX_VALUE - 16) {
            throw new DataFormatException(name + ": the header announces shape " + shapeText.strip() + " of " + descr
                    + " (" + (bytes == Long.MAX_VALUE ? "over 2^31" : bytes) + " bytes), but at most " + maxBytes
                    + " bytes can follow (the file is smaller, or the array does not fit in a quarter of the heap)");
        }
        byte[] data = in.readNBytes((int) bytes);
        if (data.length != bytes) {
            throw new DataFormatException(name + ": the header announces " + bytes + " data bytes (shape "
                    + shapeText.strip() + " of " + descr + "), but only " + data.length + " follow (truncated)");
        }
        if (in.read() != -1) {
            throw new DataFormatException(name + ": bytes follow the " + bytes + " data bytes the header announces"
                    + " (shape " + shapeText.strip() + " of " + descr + ")");
        }
        return new Array(type, shape, data);
    }

    private static String group(Pattern p, String header, String name, String key) throws DataFormatException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new DataFormatException(name + ": .npy header must have '" + key + "', but was "
                    + header.strip().substring(0, Math.min(200, header.strip().length())));
        }
        return m.group(1);
    }

    private static String type(String name, String descr) throws DataFormatException {
        String t = descr;
        if (t.length() == 3 && (t.charAt(0) == '<' || t.charAt(0) == '|' || t.charAt(0) == '=')) {
            t = t.substring(1);
        } else if (t.length() == 3 && t.charAt(0) == '>' && !t.endsWith("1")) {
            throw new DataFormatException(name + ": dtype must be little-endian, but was '" + descr + "' (big-endian)");
        } else if (t.length() == 3 && t.charAt(0) == '>') {
            t = t.substring(1);
        }
        if (!List.of("u1", "i1", "u2", "i2", "u4", "i4", "u8", "i8", "f4").contains(t)) {
            throw new DataFormatException(name + ": dtype must be one of uint8, float32 (images) or an integer type"
                    + " (labels), but was '" + descr + "'");
        }
        return t;
    }

    private static long[] shape(String name, String text) throws DataFormatException {
        List<Long> dims = new ArrayList<>();
        for (String p : text.split(",")) {
            String s = p.strip();
            if (s.endsWith("L")) {
                s = s.substring(0, s.length() - 1);
            }
            if (s.isEmpty()) {
                continue;
            }
            try {
                long d = Long.parseLong(s);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new DataFormatException(name + ": .npy shape must list non-negative integers, but was ("
                        + text + ")");
            }
        }
        if (dims.size() > 8) {
            throw new DataFormatException(name + ": .npy shape must have at most 8 dimensions, but had " + dims.size());
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }
}
