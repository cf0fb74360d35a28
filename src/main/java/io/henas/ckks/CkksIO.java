package io.henas.ckks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import io.henas.ring.RnsPoly;
import io.henas.rlwe.Security;

/**
 * Binary serialization of CKKS parameters, public, relinearization and Galois keys, ciphertexts and plaintexts
 * (secret keys: only {@link CkksIOClient}, which servers do not use).
 *
 * <p>Every object starts with a header: magic {@code "HNCK"}, format version, object type and the 64-bit parameter id
 * ({@link CkksParameters#id()}, a hash of the ring degree and the primes). Readers take the parameters the object must
 * belong to and check the id first; then every count and level against what the parameters allow before allocating
 * anything, and every residue against its modulus. Polynomials are written in NTT form, each limb bit-packed in
 * {@code bits(q_i)} bits per coefficient. Any malformed, truncated or incompatible input raises
 * {@link CkksFormatException} with a message naming what is wrong; allocation is bounded by the parameters, not by
 * the input.
 *
 * <p>The {@code DataInput}/{@code DataOutput} methods read and write exactly one object, so several objects can
 * follow each other in one stream; the {@code fromBytes} methods also reject trailing bytes.
 */
public final class CkksIO {

    /** Most data primes a parameter set may declare (checked before anything is allocated). */
    public static final int MAX_PRIMES = 100;

    private CkksIO() {
    }

    // ----------------------------------------------------------------------------------------------- parameters

    /** Writes parameters (ring degree, security, primes, special prime, default scale). */
    public static void writeParameters(CkksParameters params, DataOutput out) throws IOException {
        CkksIOCodec.writeHeader(out, CkksIOCodec.Type.PARAMETERS, id(params));
        CkksParameters.Literal lit = params.literal();
        out.writeByte(lit.logN());
        out.writeByte(securityCode(lit.security()));
        out.writeByte(lit.q().size());
        for (long q : lit.q()) {
            out.writeLong(q);
        }
        out.writeLong(lit.p());
        out.writeDouble(lit.defaultScale());
    }

    /**
     * Reads parameters and validates them like {@link CkksParameters#of}; rejects parameters marked
     * {@link Security#INSECURE_NO_BOUND} (see {@link #readParametersAllowInsecure}).
     */
    public static CkksParameters readParameters(DataInput in) throws IOException {
        return readParameters(in, false);
    }

    /** As {@link #readParameters}, but also accepts INSECURE test parameters. Never for real data. */
    public static CkksParameters readParametersAllowInsecure(DataInput in) throws IOException {
        return readParameters(in, true);
    }

    private static CkksParameters readParameters(DataInput in, boolean allowInsecure) throws IOException {
        try {
            long fileId = CkksIOCodec.readHeader(in, CkksIOCodec.Type.PARAMETERS, 0, false);
            int logN = in.readUnsignedByte();
            if (logN < 1 || logN > 16) {
                throw new CkksFormatException("parameters: logN must be in [1, 16], but was " + logN);
            }
            int securityCode = in.readUnsignedByte();
            Security security = switch (securityCode) {
                case 0 -> Security.HE_STANDARD_128;
                case 1 -> Security.INSECURE_NO_BOUND;
                default -> throw new CkksFormatException("parameters: security code must be 0 (HE_STANDARD_128) or 1 "
                        + "(INSECURE_NO_BOUND), but was " + securityCode);
            };
            if (security == Security.INSECURE_NO_BOUND && !allowInsecure) {
                throw new CkksFormatException("parameters are INSECURE (INSECURE_NO_BOUND): refused; use "
                        + "readParametersAllowInsecure only for tests");
            }
            int count = in.readUnsignedByte();
            if (count < 1 || count > MAX_PRIMES) {
                throw new CkksFormatException("parameters: prime count must be in [1, " + MAX_PRIMES + "], but was "
                        + count);
            }
            List<Long> q = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                q.add(in.readLong());
            }
            long p = in.readLong();
            double scale = in.readDouble();
            CkksParameters params;
            try {
                params = CkksParameters.of(new CkksParameters.Literal(logN, q, p, scale, security));
            } catch (IllegalArgumentException e) {
                throw new CkksFormatException("invalid parameters: " + e.getMessage(), e);
            }
            if (id(params) != fileId) {
                throw new CkksFormatException(String.format("parameter id mismatch: header 0x%016x vs parameters "
                        + "0x%016x", fileId, id(params)));
            }
            return params;
        } catch (EOFException e) {
            throw truncated("parameters", e);
        }
    }

    private static int securityCode(Security s) {
        return switch (s) {
            case HE_STANDARD_128 -> 0;
            case INSECURE_NO_BOUND -> 1;
        };
    }

    // ----------------------------------------------------------------------------------------------- ciphertexts

    /** Writes a ciphertext (level, size, scale, polynomials in NTT form). */
    public static void writeCiphertext(Ciphertext ct, DataOutput out) throws IOException {
        CkksParameters params = ct.params();
        CkksIOCodec.writeHeader(out, CkksIOCodec.Type.CIPHERTEXT, id(params));
        out.writeByte(ct.level());
        out.writeByte(ct.size());
        out.writeDouble(ct.scale());
        byte[] scratch = scratch(params);
        for (int j = 0; j < ct.size(); j++) {
            writePoly(params, ct.poly(j), out, scratch);
        }
    }

    /** Reads a ciphertext that must belong to {@code params}. */
    public static Ciphertext readCiphertext(DataInput in, CkksParameters params) throws IOException {
        try {
            CkksIOCodec.readHeader(in, CkksIOCodec.Type.CIPHERTEXT, id(params), true);
            int level = readLevel(in, params, "ciphertext");
            int size = in.readUnsignedByte();
            if (size < 2 || size > 3) {
                throw new CkksFormatException("ciphertext size must be 2 or 3 polynomials, but was " + size);
            }
            double scale = readScale(in, "ciphertext");
            byte[] scratch = scratch(params);
            RnsPoly[] polys = new RnsPoly[size];
            for (int j = 0; j < size; j++) {
                polys[j] = readPoly(in, params, level + 1, scratch, "ciphertext polynomial " + j);
            }
            try {
                return new Ciphertext(params, scale, polys);
            } catch (IllegalArgumentException e) {
                throw new CkksFormatException("invalid ciphertext: " + e.getMessage(), e);
            }
        } catch (EOFException e) {
            throw truncated("ciphertext", e);
        }
    }

    // ----------------------------------------------------------------------------------------------- plaintexts

    /** Writes a plaintext (level, scale, polynomial in NTT form). */
    public static void writePlaintext(Plaintext pt, DataOutput out) throws IOException {
        CkksParameters params = pt.params();
        CkksIOCodec.writeHeader(out, CkksIOCodec.Type.PLAINTEXT, id(params));
        out.writeByte(pt.level());
        out.writeDouble(pt.scale());
        writePoly(params, pt.poly(), out, scratch(params));
    }

    /** Reads a plaintext that must belong to {@code params}. */
    public static Plaintext readPlaintext(DataInput in, CkksParameters params) throws IOException {
        try {
            CkksIOCodec.readHeader(in, CkksIOCodec.Type.PLAINTEXT, id(params), true);
            int level = readLevel(in, params, "plaintext");
            double scale = readScale(in, "plaintext");
            RnsPoly poly = readPoly(in, params, level + 1, scratch(params), "plaintext polynomial");
            try {
                return new Plaintext(params, poly, scale);
            } catch (IllegalArgumentException e) {
                throw new CkksFormatException("invalid plaintext: " + e.getMessage(), e);
            }
        } catch (EOFException e) {
            throw truncated("plaintext", e);
        }
    }

    // ----------------------------------------------------------------------------------------------- byte arrays

    /** The serialized form of parameters. */
    public static byte[] toBytes(CkksParameters params) {
        return bytes(out -> writeParameters(params, out));
    }

    /** The serialized form of a ciphertext. */
    public static byte[] toBytes(Ciphertext ct) {
        return bytes(out -> writeCiphertext(ct, out));
    }

    /** The serialized form of a plaintext. */
    public static byte[] toBytes(Plaintext pt) {
        return bytes(out -> writePlaintext(pt, out));
    }

    /** Reads secure parameters from exactly these bytes. */
    public static CkksParameters parametersFromBytes(byte[] bytes) throws IOException {
        return whole(bytes, "parameters", CkksIO::readParameters);
    }

    /** Reads parameters, INSECURE ones included, from exactly these bytes. Tests only. */
    public static CkksParameters parametersFromBytesAllowInsecure(byte[] bytes) throws IOException {
        return whole(bytes, "parameters", CkksIO::readParametersAllowInsecure);
    }

    /** Reads a ciphertext from exactly these bytes. */
    public static Ciphertext ciphertextFromBytes(byte[] bytes, CkksParameters params) throws IOException {
        return whole(bytes, "ciphertext", in -> readCiphertext(in, params));
    }

    /** Reads a plaintext from exactly these bytes. */
    public static Plaintext plaintextFromBytes(byte[] bytes, CkksParameters params) throws IOException {
        return whole(bytes, "plaintext", in -> readPlaintext(in, params));
    }

    // ----------------------------------------------------------------------------------------------- shared pieces

    /** The 64-bit parameter id written in headers. */
    static long id(CkksParameters params) {
        return Long.parseUnsignedLong(params.id(), 16);
    }

    interface Writer {
        void write(DataOutput out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    static byte[] bytes(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a byte array
        }
        return bytes.toByteArray();
    }

    static <T> T whole(byte[] bytes, String what, Reader<T> r) throws IOException {
        ByteArrayInputStream stream = new ByteArrayInputStream(bytes);
        T value = r.read(new DataInputStream(stream));
        if (stream.available() > 0) {
            throw new CkksFormatException(stream.available() + " trailing bytes after the " + what);
        }
        return value;
    }

    static CkksFormatException truncated(String what, EOFException e) {
        return new CkksFormatException("truncated input: the data ended inside the " + what, e);
    }

    static int readLevel(DataInput in, CkksParameters params, String what) throws IOException {
        int level = in.readUnsignedByte();
        if (level > params.maxLevel()) {
            throw new CkksFormatException(what + " level " + level + " exceeds the parameters' max level "
                    + params.maxLevel());
        }
        return level;
    }

    static double readScale(DataInput in, String what) throws IOException {
        double scale = in.readDouble();
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new CkksFormatException(what + " scale must be positive and finite, but was " + scale);
        }
        return scale;
    }

    static byte[] scratch(CkksParameters params) {
        return new byte[CkksIOCodec.packedBytes(params.n(), 64)];
    }

    /** Writes the limbs of an NTT-form polynomial (limb i modulo ring prime i). */
    static void writePoly(CkksParameters params, RnsPoly poly, DataOutput out, byte[] scratch) throws IOException {
        if (!poly.isNtt()) {
            throw new IllegalArgumentException("only NTT-form polynomials are serialized, but got coefficient form");
        }
        for (int i = 0; i < poly.limbCount(); i++) {
            long q = params.ring().modulus(i).value();
            CkksIOCodec.writePacked(out, poly.limb(i), CkksIOCodec.bits(q), scratch);
        }
    }

    /** Reads {@code limbs} limbs (limb i modulo ring prime i) of an NTT-form polynomial. */
    static RnsPoly readPoly(DataInput in, CkksParameters params, int limbs, byte[] scratch, String what)
            throws IOException {
        return readPoly(in, params, limbs, 0, scratch, what);
    }

    /**
     * Reads an NTT-form polynomial whose limbs are moduli {@code q_0..q_(limbs-1)} and, if {@code special > 0}, the
     * special prime after them.
     */
    static RnsPoly readPoly(DataInput in, CkksParameters params, int limbs, int special, byte[] scratch, String what)
            throws IOException {
        int total = limbs + special;
        long[][] data = new long[total][params.n()];
        for (int i = 0; i < total; i++) {
            int ringIndex = i < limbs ? i : params.maxLevel() + 1 + (i - limbs);
            long q = params.ring().modulus(ringIndex).value();
            CkksIOCodec.readPacked(in, data[i], q, scratch, what + ", limb " + i);
        }
        return new RnsPoly(data, true);
    }
}
