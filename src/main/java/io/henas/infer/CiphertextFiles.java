package io.henas.infer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksIO;
import io.henas.ckks.CkksParameters;
import io.henas.rlwe.EvaluationKeys;

/**
 * Files the client and server exchange ({@code henas infer keygen | encrypt | eval | decrypt}):
 * <ul>
 *   <li>ciphertext batches ({@value #CT_MAGIC}): magic, parameter id (UTF), image count, then per image the number
 *       of ciphertexts and each ciphertext as a length-prefixed {@link CkksIO} record;</li>
 *   <li>a batch of images of a batch-packed model ({@value #BATCH_MAGIC}): magic, parameter id (UTF), the number of
 *       images in the batch (in [1, N/2]: one per slot), the number of ciphertexts, and each ciphertext as above;</li>
 *   <li>evaluation keys: {@link CkksIO#writeEvaluationKeys} after the magic {@value #KEYS_MAGIC}.</li>
 * </ul>
 */
public final class CiphertextFiles {
    static final String CT_MAGIC = "HENAS-CIPHERTEXTS-V1";
    static final String KEYS_MAGIC = "HENAS-EVAL-KEYS-V1";
    static final String BATCH_MAGIC = "HENAS-CT-BATCH-V1";
    private static final int MAX_COUNT = 1 << 20;

    private CiphertextFiles() {
    }

    /** Writes one list of ciphertexts per image (atomically: a temporary file is moved into place). */
    public static void write(Path file, CkksParameters params, List<List<Ciphertext>> images) throws IOException {
        Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid()
                + ".tmp");
        try {
            writeTo(tmp, params, images);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeTo(Path file, CkksParameters params, List<List<Ciphertext>> images) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            writeImages(out, params, images);
        }
    }

    /** The bytes of a ciphertext file holding {@code images} (the body of a {@code henas serve} query). */
    public static byte[] toBytes(CkksParameters params, List<List<Ciphertext>> images) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            writeImages(out, params, images);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static void writeImages(DataOutputStream out, CkksParameters params, List<List<Ciphertext>> images)
            throws IOException {
        out.write(CT_MAGIC.getBytes(StandardCharsets.US_ASCII));
        out.writeUTF(params.id());
        out.writeInt(images.size());
        for (List<Ciphertext> cts : images) {
            writeEntry(out, cts);
        }
    }

    private static void writeEntry(DataOutputStream out, List<Ciphertext> cts) throws IOException {
        out.writeInt(cts.size());
        for (Ciphertext c : cts) {
            byte[] b = CkksIO.toBytes(c);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    /**
     * One encrypted batch of a batch-packed model: {@code images} images, one per slot, in the registers
     * {@code ciphertexts} (the plan's inputs, or its outputs).
     */
    public record Batch(int images, List<Ciphertext> ciphertexts) {
        public Batch {
            ciphertexts = List.copyOf(ciphertexts);
            if (images < 1) {
                throw new IllegalArgumentException("a batch must hold at least 1 image, but held " + images);
            }
        }
    }

    /** Writes one batch (atomically). */
    public static void writeBatch(Path file, CkksParameters params, Batch batch) throws IOException {
        if (batch.images() > params.n() / 2) {
            throw new IllegalArgumentException("a batch holds at most N/2 = " + params.n() / 2 + " images, but held "
                    + batch.images());
        }
        Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid()
                + ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.write(BATCH_MAGIC.getBytes(StandardCharsets.US_ASCII));
                out.writeUTF(params.id());
                out.writeInt(batch.images());
                writeEntry(out, batch.ciphertexts());
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a file written by {@link #writeBatch}.
     *
     * @throws IOException naming the file if it is malformed, belongs to other parameters, or is a per-image file
     */
    public static Batch readBatch(Path file, CkksParameters params) throws IOException {
        FileChecks.regularFile(file, "ciphertext batch file");
        long fileSize = Files.size(file);
        String name = file.toString();
        try (CountingInput counting = new CountingInput(new BufferedInputStream(Files.newInputStream(file)));
             DataInputStream in = new DataInputStream(counting)) {
            magic(in, BATCH_MAGIC, name);
            parameterId(in, params, name);
            int images = in.readInt();
            if (images < 1 || images > params.n() / 2) {
                throw new IOException(name + ": batch image count must be in [1, " + params.n() / 2 + "] (N/2 slots),"
                        + " but was " + images);
            }
            List<Ciphertext> cts = readEntry(in, counting, fileSize, params, name, "the batch");
            if (in.read() >= 0) {
                throw new IOException(name + ": must end after its batch, but has more bytes");
            }
            return new Batch(images, cts);
        } catch (EOFException e) {
            throw new IOException(name + ": truncated ciphertext batch file", e);
        } catch (java.io.UTFDataFormatException e) {
            throw new IOException(name + ": the parameter id must be modified UTF-8, but is not (" + e.getMessage()
                    + ")", e);
        }
    }

    private static void parameterId(DataInputStream in, CkksParameters params, String file) throws IOException {
        String id = in.readUTF();
        if (!id.equals(params.id())) {
            throw new IOException(file + ": ciphertext " + PARAMETERS_MISMATCH + " " + params.id() + ", but were "
                    + id);
        }
    }

    /** One length-prefixed list of ciphertexts ({@code what}: "image 3", "the batch" in error messages). */
    private static List<Ciphertext> readEntry(DataInputStream in, CountingInput counting, long fileSize,
                                              CkksParameters params, String file, String what) throws IOException {
        long maxCt = maxCiphertextBytes(params);
        int k = count(in.readInt(), file, "ciphertexts of " + what);
        List<Ciphertext> cts = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            int len = in.readInt();
            long remaining = fileSize - counting.count();
            if (len < 0 || len > maxCt || len > remaining) {
                throw new IOException(file + ": " + what + " ciphertext " + j + " length must be in [0, "
                        + Math.min(maxCt, remaining) + "] (the parameters' largest ciphertext and the bytes"
                        + " left in the file), but was " + Integer.toUnsignedString(len));
            }
            byte[] b = new byte[len];
            in.readFully(b);
            try {
                cts.add(CkksIO.ciphertextFromBytes(b, params));
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": " + what + " ciphertext " + j + ": " + e.getMessage(), e);
            }
        }
        return cts;
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws IOException naming the file if it is malformed or belongs to other parameters
     */
    public static List<List<Ciphertext>> read(Path file, CkksParameters params) throws IOException {
        FileChecks.regularFile(file, "ciphertext file");
        return readImages(new BufferedInputStream(Files.newInputStream(file)), Files.size(file), params,
                file.toString());
    }

    /**
     * Reads the bytes of a ciphertext file ({@link #toBytes}); {@code source} names them in messages.
     *
     * @throws IOException naming {@code source} if they are malformed or belong to other parameters (the message
     *                     then contains {@value #PARAMETERS_MISMATCH})
     */
    public static List<List<Ciphertext>> fromBytes(byte[] bytes, CkksParameters params, String source)
            throws IOException {
        return readImages(new java.io.ByteArrayInputStream(bytes), bytes.length, params, source);
    }

    /** Words in the message of a file or body made for other parameters. */
    public static final String PARAMETERS_MISMATCH = "parameters must be the model's";

    private static List<List<Ciphertext>> readImages(java.io.InputStream raw, long fileSize, CkksParameters params,
                                                     String file) throws IOException {
        try (CountingInput counting = new CountingInput(raw);
             DataInputStream in = new DataInputStream(counting)) {
            magic(in, CT_MAGIC, file);
            parameterId(in, params, file);
            int n = count(in.readInt(), file, "image count");
            List<List<Ciphertext>> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(readEntry(in, counting, fileSize, params, file, "image " + i));
            }
            if (in.read() >= 0) {
                throw new IOException(file + ": must end after its " + n + " image(s), but has more bytes");
            }
            return out;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated ciphertext file", e);
        } catch (java.io.UTFDataFormatException e) {
            throw new IOException(file + ": the parameter id must be modified UTF-8, but is not (" + e.getMessage()
                    + ")", e);
        }
    }

    /** Writes the server's evaluation keys. */
    public static void writeKeys(Path file, CkksParameters params, EvaluationKeys keys) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.write(KEYS_MAGIC.getBytes(StandardCharsets.US_ASCII));
            CkksIO.writeEvaluationKeys(keys, params, out);
        }
    }

    /** The bytes of an evaluation-key file ({@link #writeKeys}): the body of a {@code henas serve} session upload. */
    public static byte[] keysToBytes(CkksParameters params, EvaluationKeys keys) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.write(KEYS_MAGIC.getBytes(StandardCharsets.US_ASCII));
            CkksIO.writeEvaluationKeys(keys, params, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /**
     * The 64-bit parameter id in the header of evaluation-key bytes ({@link #keysToBytes}: the file magic, then the
     * CKKS object header: int magic, unsigned short version, byte type, long parameter id).
     *
     * @throws IOException if the bytes are too short or do not start with the key file magic
     */
    public static long keysParameterId(byte[] bytes, String source) throws IOException {
        int at = KEYS_MAGIC.length() + 4 + 2 + 1;
        if (bytes.length < at + 8 || !KEYS_MAGIC.equals(new String(bytes, 0, KEYS_MAGIC.length(),
                StandardCharsets.US_ASCII))) {
            throw new IOException(source + ": must start with " + KEYS_MAGIC + " and a CKKS object header (a henas"
                    + " evaluation-key file), but does not");
        }
        return java.nio.ByteBuffer.wrap(bytes, at, 8).getLong();
    }

    /** Reads evaluation keys from the bytes of a key file; {@code source} names them in messages. */
    public static EvaluationKeys keysFromBytes(byte[] bytes, CkksParameters params, String source)
            throws IOException {
        keysParameterId(bytes, source);
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            in.skipNBytes(KEYS_MAGIC.length());
            EvaluationKeys k = CkksIO.readEvaluationKeys(in, params);
            if (in.read() >= 0) {
                throw new IOException(source + ": must end after the evaluation keys, but has more bytes");
            }
            return k;
        } catch (EOFException e) {
            throw new IOException(source + ": truncated evaluation keys (the data ended inside them)", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /** Reads evaluation keys written by {@link #writeKeys}. */
    public static EvaluationKeys readKeys(Path file, CkksParameters params) throws IOException {
        FileChecks.regularFile(file, "evaluation key file");
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            magic(in, KEYS_MAGIC, file);
            EvaluationKeys k = CkksIO.readEvaluationKeys(in, params);
            if (in.read() >= 0) {
                throw new IOException(file + ": must end after the evaluation keys, but has more bytes");
            }
            return k;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated evaluation key file (the data ended inside the evaluation keys)",
                    e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The largest serialized ciphertext the parameters allow (three polynomials at the top level plus a generous
     * header allowance); a length field above it is refused before anything is allocated.
     */
    public static long maxCiphertextBytes(CkksParameters params) {
        return 3L * params.n() * (params.maxLevel() + 1) * Long.BYTES + 4096;
    }

    /** Counts the bytes taken from the file so that length fields can be checked against what is left. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private long count;

        CountingInput(java.io.InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            count += Math.max(r, 0);
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }

    private static void magic(DataInputStream in, String magic, Object file) throws IOException {
        byte[] m = new byte[magic.length()];
        in.readFully(m);
        if (!magic.equals(new String(m, StandardCharsets.US_ASCII))) {
            throw new IOException(file + ": must start with " + magic + ", but does not");
        }
    }

    private static int count(int n, Object file, String what) throws IOException {
        if (n < 0 || n > MAX_COUNT) {
            throw new IOException(file + ": " + what + " must be in [0, " + MAX_COUNT + "], but was " + n);
        }
        return n;
    }
}
