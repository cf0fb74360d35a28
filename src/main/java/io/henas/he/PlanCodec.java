package io.henas.he;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.henas.ir.LoweredNet;

/**
 * The versioned binary form of an {@link HePlan} (without its network, options and parameters, which a model file
 * stores beside it), so a model runs the plan it was exported with whatever today's compiler would produce.
 *
 * <p><b>Format</b> (version {@value #VERSION}, big-endian): magic {@code "HNPL"}, version; {@code packing} ({@link Packing#version}), {@code logN, blockSize,
 * gridWidth, registerCount, depth, nodeCount, instructionCount}; the instruction arrays ({@code 4m} code ints, then
 * {@code m} each of node, op depth and scale target); a schema of record kinds (name such as
 * {@code Plaintext.ConvWeights}, then each field's name and type: {@code I} int, {@code C} char, {@code D} double,
 * {@code Z} boolean, {@code L} list of ints); the plaintext descriptors and the affines, each a kind index and its
 * fields; the layouts (channels, register, block and sub offset per channel, height, width, gap); per node its layout, affine,
 * depth and levels; the Galois steps. Plaintext and affine kinds are written generically from their record
 * components, so new kinds need no codec change; a file whose kind (by name and fields) this henas does not know is
 * refused when that kind is used.
 *
 * <p>{@link #decode} bounds every count before allocating and checks every operand and index
 * ({@link PlanValidator}); it never runs the compiler.
 */
public final class PlanCodec {
    public static final int MAGIC = 0x484E504C;
    public static final int VERSION = 1;
    static final int MAX_INSTRUCTIONS = 1 << 24;
    static final int MAX_REGISTERS = 1 << 20;
    static final int MAX_POOL = 1 << 22;
    static final int MAX_CHANNELS = 1 << 16;
    static final int MAX_KINDS = 256;
    static final int MAX_FIELDS = 32;
    static final int MAX_LIST = 1 << 16;
    static final int MAX_NAME = 200;
    private static final List<Class<?>> KINDS = kinds();

    private PlanCodec() {
    }

    private static List<Class<?>> kinds() {
        List<Class<?>> k = new ArrayList<>();
        k.addAll(List.of(Plaintext.class.getPermittedSubclasses()));
        k.addAll(List.of(Affine.class.getPermittedSubclasses()));
        return List.copyOf(k);
    }

    /** {@code Plaintext.ConvWeights}, {@code Affine.Bn}, ... */
    static String kindName(Class<?> c) {
        return c.getEnclosingClass().getSimpleName() + "." + c.getSimpleName();
    }

    static char typeCode(Class<?> t) {
        if (t == int.class) {
            return 'I';
        } else if (t == char.class) {
            return 'C';
        } else if (t == double.class) {
            return 'D';
        } else if (t == boolean.class) {
            return 'Z';
        } else if (t == List.class) {
            return 'L';
        }
        throw new IllegalStateException("plan record fields must be int, char, double, boolean or List<Integer>,"
                + " but a field has type " + t);
    }

    /** The stored form of {@code plan}. */
    public static byte[] encode(HePlan plan) {
        return encode(plan.stored());
    }

    /** The stored form of a plan's parts (tests use it to write damaged plans). */
    static byte[] encode(HePlan.Stored s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            for (int v : new int[]{s.packing().version(), s.logN(), s.blockSize(), s.gridWidth(), s.registerCount(),
                    s.depth(), s.net().nodes().size(), s.nodeOf().length}) {
                out.writeInt(v);
            }
            ints(out, s.code());
            ints(out, s.nodeOf());
            ints(out, s.opDepth());
            ints(out, s.scaleRef());
            out.writeInt(KINDS.size());
            for (Class<?> k : KINDS) {
                utf(out, kindName(k));
                RecordComponent[] rc = k.getRecordComponents();
                out.writeInt(rc.length);
                for (RecordComponent c : rc) {
                    utf(out, c.getName());
                    out.writeByte(typeCode(c.getType()));
                }
            }
            records(out, s.plaintexts());
            records(out, s.affines());
            out.writeInt(s.layouts().size());
            for (Layout l : s.layouts()) {
                out.writeInt(l.channels());
                for (int c = 0; c < l.channels(); c++) {
                    out.writeInt(l.reg(c));
                }
                for (int c = 0; c < l.channels(); c++) {
                    out.writeInt(l.block(c));
                }
                for (int c = 0; c < l.channels(); c++) {
                    out.writeInt(l.sub(c));
                }
                out.writeInt(l.height());
                out.writeInt(l.width());
                out.writeInt(l.gap());
            }
            ints(out, s.nodeLayout());
            ints(out, s.nodeAffine());
            ints(out, s.nodeDepth());
            ints(out, s.nodeLevels());
            out.writeInt(s.galoisSteps().length);
            ints(out, s.galoisSteps());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void ints(DataOutputStream out, int[] v) throws IOException {
        for (int x : v) {
            out.writeInt(x);
        }
    }

    private static void utf(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }

    private static void records(DataOutputStream out, List<?> items) throws IOException {
        out.writeInt(items.size());
        for (Object o : items) {
            out.writeShort(KINDS.indexOf(o.getClass()));
            for (RecordComponent c : o.getClass().getRecordComponents()) {
                Object v;
                try {
                    v = c.getAccessor().invoke(o);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + c, e);
                }
                switch (typeCode(c.getType())) {
                    case 'I' -> out.writeInt((Integer) v);
                    case 'C' -> out.writeChar((Character) v);
                    case 'D' -> out.writeDouble((Double) v);
                    case 'Z' -> out.writeBoolean((Boolean) v);
                    default -> {
                        List<?> l = (List<?>) v;
                        out.writeInt(l.size());
                        for (Object x : l) {
                            out.writeInt((Integer) x);
                        }
                    }
                }
            }
        }
    }

    /**
     * Reads a plan stored by {@link #encode} for {@code net} (the network it was compiled from, already validated),
     * with the stored {@code options} and {@code parameters}. Nothing is recompiled.
     *
     * @throws PlanFormatException naming the field that is truncated, out of bounds or inconsistent
     */
    public static HePlan decode(byte[] data, LoweredNet net, CompileOptions options, HeParameters parameters)
            throws PlanFormatException {
        Reader r = new Reader(ByteBuffer.wrap(data));
        try {
            if (r.buf.remaining() < 8 || r.buf.getInt() != MAGIC) {
                throw new PlanFormatException("must start with the magic HNPL of a henas plan, but does not");
            }
            int version = r.buf.getInt();
            if (version != VERSION) {
                throw new PlanFormatException("version must be " + VERSION + " (supported plan format), but was "
                        + version);
            }
            Packing packing;
            try {
                packing = Packing.of(r.range("packing", 1, Integer.MAX_VALUE));
            } catch (IllegalArgumentException e) {
                throw new PlanFormatException("packing: " + e.getMessage(), e);
            }
            int logN = r.range("logN", 12, 16);
            int slots = 1 << (logN - 1);
            int blockSize = r.range("block_size", 1, slots);
            int gridWidth = r.range("grid_width", 1, slots);
            int registers = r.range("register_count", 1, MAX_REGISTERS);
            int depth = r.range("depth", 0, 64);
            r.range("node_count", net.nodes().size(), net.nodes().size());
            int m = r.range("instruction_count", 0, MAX_INSTRUCTIONS);
            int[] code = r.ints("instructions", 4 * m);
            int[] nodeOf = r.ints("instruction_nodes", m);
            int[] opDepth = r.ints("instruction_depths", m);
            int[] scaleRef = r.ints("scale_targets", m);
            List<Schema> schema = r.schema();
            List<Object> plaintexts = r.records("plaintexts", schema, Plaintext.class);
            List<Object> affines = r.records("affines", schema, Affine.class);
            List<Layout> layouts = r.layouts(slots);
            int n = net.nodes().size();
            int[] nodeLayout = r.ints("node_layouts", n);
            int[] nodeAffine = r.ints("node_affines", n);
            int[] nodeDepth = r.ints("node_depths", n);
            int[] nodeLevels = r.ints("node_levels", n);
            int[] steps = r.ints("galois_steps", r.range("galois_step_count", 0, slots));
            if (r.buf.hasRemaining()) {
                throw new PlanFormatException("must end after galois_steps, but has " + r.buf.remaining()
                        + " more bytes");
            }
            HePlan.Stored s = new HePlan.Stored(net, options, packing, logN, blockSize, gridWidth, code, nodeOf, opDepth,
                    scaleRef, cast(plaintexts), cast(affines), layouts, nodeLayout, nodeAffine, nodeDepth, nodeLevels,
                    registers, depth, steps);
            PlanValidator.check(s, parameters);
            return new HePlan(s, parameters);
        } catch (BufferUnderflowException e) {
            throw new PlanFormatException("is truncated (ends inside " + r.at + ")", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(List<Object> l) {
        return (List<T>) (List<?>) l;
    }

    /** One kind of the stored schema: its name, field names and types, and the record class it maps to (or null). */
    private record Schema(String name, List<String> fields, String types, Constructor<?> ctor, Class<?> family) {
    }

    private static final class Reader {
        final ByteBuffer buf;
        String at = "header";

        Reader(ByteBuffer buf) {
            this.buf = buf;
        }

        int range(String field, long min, long max) throws PlanFormatException {
            at = field;
            int v = buf.getInt();
            if (v < min || v > max) {
                throw new PlanFormatException(field + " must be in [" + min + ", " + max + "], but was " + v);
            }
            return v;
        }

        int[] ints(String field, int count) throws PlanFormatException {
            at = field;
            if ((long) count * 4 > buf.remaining()) {
                throw new PlanFormatException("is truncated: " + field + " needs " + count + " integers, but only "
                        + buf.remaining() + " bytes remain");
            }
            int[] v = new int[count];
            buf.asIntBuffer().get(v);
            buf.position(buf.position() + 4 * count);
            return v;
        }

        String utf(String field) throws PlanFormatException {
            at = field;
            int len = Short.toUnsignedInt(buf.getShort());
            if (len > MAX_NAME || len > buf.remaining()) {
                throw new PlanFormatException(field + " must be a name of at most " + MAX_NAME + " bytes, but"
                        + " declares " + len);
            }
            byte[] b = new byte[len];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
        }

        List<Schema> schema() throws PlanFormatException {
            int kinds = range("kind_count", 0, MAX_KINDS);
            Map<String, Class<?>> known = new LinkedHashMap<>();
            for (Class<?> k : KINDS) {
                known.put(kindName(k), k);
            }
            List<Schema> out = new ArrayList<>();
            for (int i = 0; i < kinds; i++) {
                String name = utf("kinds[" + i + "].name");
                int fields = range("kinds[" + i + "].field_count", 0, MAX_FIELDS);
                List<String> names = new ArrayList<>();
                StringBuilder types = new StringBuilder();
                for (int f = 0; f < fields; f++) {
                    names.add(utf("kinds[" + i + "].fields[" + f + "]"));
                    at = "kinds[" + i + "].fields[" + f + "].type";
                    char t = (char) buf.get();
                    if ("ICDZL".indexOf(t) < 0) {
                        throw new PlanFormatException(at + " must be one of I, C, D, Z, L, but was byte " + (int) t);
                    }
                    types.append(t);
                }
                Constructor<?> ctor = null;
                Class<?> k = known.get(name);
                if (k != null) {
                    RecordComponent[] rc = k.getRecordComponents();
                    StringBuilder want = new StringBuilder();
                    List<String> wantNames = new ArrayList<>();
                    Class<?>[] params = new Class<?>[rc.length];
                    for (int j = 0; j < rc.length; j++) {
                        want.append(typeCode(rc[j].getType()));
                        wantNames.add(rc[j].getName());
                        params[j] = rc[j].getType();
                    }
                    if (want.toString().equals(types.toString()) && wantNames.equals(names)) {
                        try {
                            ctor = k.getDeclaredConstructor(params);
                        } catch (NoSuchMethodException e) {
                            throw new IllegalStateException("record " + k + " has no canonical constructor", e);
                        }
                    }
                }
                out.add(new Schema(name, names, types.toString(), ctor, k == null ? null : k.getEnclosingClass()));
            }
            return out;
        }

        List<Object> records(String field, List<Schema> schema, Class<?> family) throws PlanFormatException {
            int count = range(field + "_count", 0, MAX_POOL);
            if (count > buf.remaining() / 2) {
                throw new PlanFormatException("is truncated: " + field + " declares " + count + " entries, but only "
                        + buf.remaining() + " bytes remain");
            }
            List<Object> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String e = field + "[" + i + "]";
                at = e;
                int k = Short.toUnsignedInt(buf.getShort());
                if (k >= schema.size()) {
                    throw new PlanFormatException(e + ".kind must be a kind index in [0, " + schema.size()
                            + "), but was " + k);
                }
                Schema s = schema.get(k);
                if (s.family() != family || s.ctor() == null) {
                    throw new PlanFormatException(e + " has kind " + s.name() + s.fields() + ", which must be a "
                            + family.getSimpleName() + " kind this henas supports, but is not (a model from a newer"
                            + " henas?)");
                }
                Object[] args = new Object[s.types().length()];
                for (int f = 0; f < args.length; f++) {
                    at = e + "." + s.fields().get(f);
                    args[f] = switch (s.types().charAt(f)) {
                        case 'I' -> buf.getInt();
                        case 'C' -> buf.getChar();
                        case 'D' -> {
                            double d = buf.getDouble();
                            if (!Double.isFinite(d)) {
                                throw new PlanFormatException(at + " must be a finite number, but was " + d);
                            }
                            yield d;
                        }
                        case 'Z' -> buf.get() != 0;
                        default -> {
                            int len = range(at + ".length", 0, MAX_LIST);
                            List<Integer> l = new ArrayList<>();
                            for (int x : ints(at, len)) {
                                l.add(x);
                            }
                            yield l;
                        }
                    };
                }
                try {
                    out.add(s.ctor().newInstance(args));
                } catch (InvocationTargetException ex) {
                    throw new PlanFormatException(e + " (" + s.name() + ") is invalid: " + ex.getCause().getMessage(),
                            ex.getCause());
                } catch (ReflectiveOperationException ex) {
                    throw new IllegalStateException("cannot construct " + s.name(), ex);
                }
            }
            return out;
        }

        List<Layout> layouts(int slots) throws PlanFormatException {
            int count = range("layout_count", 1, MAX_POOL);
            if (count > buf.remaining() / 16) {
                throw new PlanFormatException("is truncated: layouts declares " + count + " entries, but only "
                        + buf.remaining() + " bytes remain");
            }
            List<Layout> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String e = "layouts[" + i + "]";
                int ch = range(e + ".channels", 1, MAX_CHANNELS);
                int[] reg = ints(e + ".registers", ch);
                int[] block = ints(e + ".blocks", ch);
                int[] sub = ints(e + ".subs", ch);
                for (int c = 0; c < ch; c++) {
                    if (sub[c] < 0 || sub[c] >= slots) {
                        throw new PlanFormatException(e + ".subs[" + c + "] must be in [0, " + slots + "), but was "
                                + sub[c]);
                    }
                }
                int h = range(e + ".height", 1, slots);
                int w = range(e + ".width", 1, slots);
                int gap = range(e + ".gap", 1, slots);
                out.add(new Layout(reg, block, sub, h, w, gap));
            }
            return out;
        }
    }
}
