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
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.GaloisKeys;
import io.henas.rlwe.KeySwitchKey;
import io.henas.rlwe.PublicKey;
import io.henas.rlwe.RelinKey;
import io.henas.rlwe.RlweParameters;
import io.henas.rlwe.Security;

/**
 * Binary serialization of CKKS parameters, public, relinearization and Galois keys (also as one
 * {@link EvaluationKeys} bundle), ciphertexts and plaintexts. Secret keys cannot be written: nothing here (or
 * anywhere a server uses) accepts an {@code io.henas.rlwe.SecretKey}, which exposes no polynomial by design.
 *
 * <p>Every object starts with a header: magic {@code "HNCK"}, format version, object type and the 64-bit parameter id
 * ({@link CkksParameters#id()}, a hash of the ring degree and the primes). Readers take the parameters the object must
 * belong to and check the id first; then every count and level against what the parameters allow before allocating
 * anything, and every residue against its modulus. Polynomials are written in NTT form, each limb bit-packed in
 * {@code bits(q_i)} bits per coefficient. Any malformed, truncated or incompatible input raises
 * {@link CkksFormatException} with a message naming what is wrong; allocation is bounded by the parameters, not by
 * the input. Format version 3: parameters hold the special primes and the key-switching digit size; key-switching
 * keys their level and digit count, then per digit two polynomials over {@code q_0..q_level, p_0..p_{k-1}}.
 *
 * <p>The {@code DataInput}/{@code DataOutput} methods read and write exactly one object, so several objects can
 * follow each other in one stream; the {@code fromBytes} methods also reject trailing bytes.
 */
public final class CkksIO {

    /**
     * Most data primes a serialized parameter set may declare (checked before anything is allocated; SEAL's limit
     * too). Bounds the tables a parameters file can make a reader build.
     */
    public static final int MAX_PRIMES = 64;

    private CkksIO() {
    }

    // ----------------------------------------------------------------------------------------------- parameters

    /** Writes parameters (ring degree, security, data primes, special primes, digit size, default scale). */
    public static void writeParameters(CkksParameters params, DataOutput out) throws IOException {
        CkksIOCodec.writeHeader(out, CkksIOCodec.Type.PARAMETERS, id(params));
        CkksParameters.Literal lit = params.literal();
        out.writeByte(lit.logN());
        out.writeByte(securityCode(lit.security()));
        out.writeByte(lit.q().size());
        for (long q : lit.q()) {
            out.writeLong(q);
        }
        out.writeByte(lit.specialPrimes().size());
        for (long p : lit.specialPrimes()) {
            out.writeLong(p);
        }
        out.writeByte(lit.digitSize());
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
            int specialCount = in.readUnsignedByte();
            if (specialCount < 1 || specialCount > RlweParameters.MAX_SPECIAL_PRIMES) {
                throw new CkksFormatException("parameters: special prime count must be in [1, "
                        + RlweParameters.MAX_SPECIAL_PRIMES + "], but was " + specialCount);
            }
            List<Long> p = new ArrayList<>(specialCount);
            for (int i = 0; i < specialCount; i++) {
                p.add(in.readLong());
            }
            int digitSize = in.readUnsignedByte();
            if (digitSize < 1 || digitSize > count) {
                throw new CkksFormatException("parameters: digit size must be in [1, " + count + "] (the data prime "
                        + "count), but was " + digitSize);
            }
            double scale = in.readDouble();
            CkksParameters params;
            try {
                params = CkksParameters.of(new CkksParameters.Literal(logN, q, p, digitSize, scale, security));
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

    // ----------------------------------------------------------------------------------------------- keys

    /** Writes a public key (two polynomials over the data primes and the special primes). */
    public static void writePublicKey(PublicKey pk, CkksParameters params, DataOutput out) throws IOException {
        checkKeyParams(pk.params().id(), params, "public key");
        CkksIOCodec.writeHeader(out, CkksIOCodec.Type.PUBLIC_KEY, id(params));
        writePublicKeyBody(pk, params, out, scratch(params));
    }

    /** Reads a public key that must belong to {@code params}. */
    public static PublicKey readPublicKey(DataInput in, CkksParameters params) throws IOException {
        try {
            CkksIOCodec.readHeader(in, CkksIOCodec.Type.PUBLIC_KEY, id(params), true);
            return readPublicKeyBody(in, params, scratch(params));
        } catch (EOFException e) {
            throw truncated("public key", e);
        }
    }

    /**
     * Writes a relinearization key: one key-switching key (its level {@code lk}, its digit count
     * {@code ceil((lk + 1) / alpha)}, then per digit two polynomials over {@code q_0..q_lk, p_0..p_{k-1}}).
     */
    public static void writeRelinKey(RelinKey rlk, CkksParameters params, DataOutput out) throws IOException {
        checkKeyParams(rlk.key().params().id(), params, "relinearization key");
        CkksIOCodec.writeHeader(out, CkksIOCodec.Type.RELINEARIZATION_KEY, id(params));
        writeKeySwitchKey(rlk.key(), params, out, scratch(params));
    }

    /** Reads a relinearization key that must belong to {@code params}. */
    public static RelinKey readRelinKey(DataInput in, CkksParameters params) throws IOException {
        try {
            CkksIOCodec.readHeader(in, CkksIOCodec.Type.RELINEARIZATION_KEY, id(params), true);
            return new RelinKey(readKeySwitchKey(in, params, scratch(params), "relinearization key"));
        } catch (EOFException e) {
            throw truncated("relinearization key", e);
        }
    }

    /** Writes Galois keys: a count, then each Galois element (ascending) with its key-switching key. */
    public static void writeGaloisKeys(GaloisKeys gk, CkksParameters params, DataOutput out) throws IOException {
        for (KeySwitchKey k : gk.asMap().values()) {
            checkKeyParams(k.params().id(), params, "Galois key");
        }
        CkksIOCodec.writeHeader(out, CkksIOCodec.Type.GALOIS_KEYS, id(params));
        writeGaloisKeysBody(gk, params, out, scratch(params));
    }

    /** Reads Galois keys that must belong to {@code params}. */
    public static GaloisKeys readGaloisKeys(DataInput in, CkksParameters params) throws IOException {
        try {
            CkksIOCodec.readHeader(in, CkksIOCodec.Type.GALOIS_KEYS, id(params), true);
            return readGaloisKeysBody(in, params, scratch(params));
        } catch (EOFException e) {
            throw truncated("Galois keys", e);
        }
    }

    /**
     * Writes the server's evaluation keys as one object: public key, relinearization key (if any) and Galois keys.
     * It cannot contain a secret key.
     */
    public static void writeEvaluationKeys(EvaluationKeys keys, CkksParameters params, DataOutput out)
            throws IOException {
        checkKeyParams(keys.params().id(), params, "evaluation keys");
        CkksIOCodec.writeHeader(out, CkksIOCodec.Type.EVALUATION_KEYS, id(params));
        byte[] scratch = scratch(params);
        out.writeByte(keys.relinKey() != null ? 1 : 0);
        writePublicKeyBody(keys.publicKey(), params, out, scratch);
        if (keys.relinKey() != null) {
            writeKeySwitchKey(keys.relinKey().key(), params, out, scratch);
        }
        writeGaloisKeysBody(keys.galoisKeys(), params, out, scratch);
    }

    /** Reads evaluation keys that must belong to {@code params}. */
    public static EvaluationKeys readEvaluationKeys(DataInput in, CkksParameters params) throws IOException {
        try {
            CkksIOCodec.readHeader(in, CkksIOCodec.Type.EVALUATION_KEYS, id(params), true);
            byte[] scratch = scratch(params);
            int flags = in.readUnsignedByte();
            if (flags > 1) {
                throw new CkksFormatException("evaluation keys flags must be 0 or 1 (has a relinearization key), but "
                        + "were " + flags);
            }
            PublicKey pk = readPublicKeyBody(in, params, scratch);
            RelinKey rlk = flags == 1 ? new RelinKey(readKeySwitchKey(in, params, scratch, "relinearization key"))
                    : null;
            GaloisKeys gk = readGaloisKeysBody(in, params, scratch);
            try {
                return new EvaluationKeys(pk, rlk, gk);
            } catch (IllegalArgumentException e) {
                throw new CkksFormatException("invalid evaluation keys: " + e.getMessage(), e);
            }
        } catch (EOFException e) {
            throw truncated("evaluation keys", e);
        }
    }

    private static void checkKeyParams(String keyId, CkksParameters params, String what) {
        if (!keyId.equals(params.id())) {
            throw new IllegalArgumentException("parameter mismatch: " + what + " " + keyId + " vs parameters "
                    + params.id());
        }
    }

    private static void writePublicKeyBody(PublicKey pk, CkksParameters params, DataOutput out, byte[] scratch)
            throws IOException {
        writePoly(params, pk.b(), out, scratch);
        writePoly(params, pk.a(), out, scratch);
    }

    private static PublicKey readPublicKeyBody(DataInput in, CkksParameters params, byte[] scratch)
            throws IOException {
        int limbs = params.maxLevel() + 1 + params.rlwe().specialPrimeCount();
        RnsPoly b = readPoly(in, params, limbs, scratch, "public key b");
        RnsPoly a = readPoly(in, params, limbs, scratch, "public key a");
        try {
            return new PublicKey(params.rlwe(), b, a);
        } catch (IllegalArgumentException e) {
            throw new CkksFormatException("invalid public key: " + e.getMessage(), e);
        }
    }

    private static void writeKeySwitchKey(KeySwitchKey k, CkksParameters params, DataOutput out, byte[] scratch)
            throws IOException {
        out.writeByte(k.level());
        out.writeByte(k.digits());
        for (int j = 0; j < k.digits(); j++) {
            writeKeyPoly(params, k, k.b(j), out, scratch);
            writeKeyPoly(params, k, k.a(j), out, scratch);
        }
    }

    private static void writeKeyPoly(CkksParameters params, KeySwitchKey k, RnsPoly poly, DataOutput out,
                                     byte[] scratch) throws IOException {
        for (int i = 0; i < poly.limbCount(); i++) {
            long q = params.ring().modulus(k.ringIndex(i)).value();
            CkksIOCodec.writePacked(out, poly.limb(i), CkksIOCodec.bits(q), scratch);
        }
    }

    private static KeySwitchKey readKeySwitchKey(DataInput in, CkksParameters params, byte[] scratch, String what)
            throws IOException {
        int level = readLevel(in, params, what);
        int digits = in.readUnsignedByte();
        int expected = params.rlwe().digitCount(level);
        if (digits != expected) {
            throw new CkksFormatException(what + " at level " + level + " must have " + expected + " digits (ceil("
                    + (level + 1) + "/" + params.rlwe().digitSize() + ")), but had " + digits);
        }
        int special = params.rlwe().specialPrimeCount();
        RnsPoly[] b = new RnsPoly[digits];
        RnsPoly[] a = new RnsPoly[digits];
        for (int j = 0; j < digits; j++) {
            b[j] = readPoly(in, params, level + 1, special, scratch, what + " digit " + j + " b");
            a[j] = readPoly(in, params, level + 1, special, scratch, what + " digit " + j + " a");
        }
        try {
            return new KeySwitchKey(params.rlwe(), level, b, a);
        } catch (IllegalArgumentException e) {
            throw new CkksFormatException("invalid " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Serialized bytes of a key-switching key at {@code level} (level and digit-count bytes, packed residues); a
     * relinearization key object adds a 15-byte header, Galois keys 15 + 4 per set and 8 per key.
     */
    public static long keySwitchKeyBytes(CkksParameters params, int level) {
        RlweParameters r = params.rlwe();
        long perPoly = 0;
        for (int i = 0; i <= level; i++) {
            perPoly += CkksIOCodec.packedBytes(params.n(), CkksIOCodec.bits(r.q(i)));
        }
        for (int j = 0; j < r.specialPrimeCount(); j++) {
            perPoly += CkksIOCodec.packedBytes(params.n(), CkksIOCodec.bits(r.p(j)));
        }
        return 2 + 2L * r.digitCount(level) * perPoly;
    }

    private static void writeGaloisKeysBody(GaloisKeys gk, CkksParameters params, DataOutput out, byte[] scratch)
            throws IOException {
        out.writeInt(gk.asMap().size());
        for (long g : gk.elements()) {
            out.writeLong(g);
            writeKeySwitchKey(gk.get(g), params, out, scratch);
        }
    }

    private static GaloisKeys readGaloisKeysBody(DataInput in, CkksParameters params, byte[] scratch)
            throws IOException {
        int count = in.readInt();
        int n = params.n();
        if (count < 0 || count > n) {
            throw new CkksFormatException("Galois key count must be in [0, " + n + "] (the odd residues mod 2N), but "
                    + "was " + Integer.toUnsignedString(count));
        }
        java.util.TreeMap<Long, KeySwitchKey> keys = new java.util.TreeMap<>();
        long previous = 0;
        for (int i = 0; i < count; i++) {
            long g = in.readLong();
            if (g <= previous || g >= 2L * n || (g & 1) == 0) {
                throw new CkksFormatException("Galois key " + i + ": element must be odd, in (" + previous + ", "
                        + 2L * n + ") and ascending, but was " + g);
            }
            previous = g;
            keys.put(g, readKeySwitchKey(in, params, scratch, "Galois key " + i + " (element " + g + ")"));
        }
        try {
            return new GaloisKeys(keys);
        } catch (IllegalArgumentException e) {
            throw new CkksFormatException("invalid Galois keys: " + e.getMessage(), e);
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

    /** The serialized form of a public key. */
    public static byte[] toBytes(PublicKey pk, CkksParameters params) {
        return bytes(out -> writePublicKey(pk, params, out));
    }

    /** The serialized form of a relinearization key. */
    public static byte[] toBytes(RelinKey rlk, CkksParameters params) {
        return bytes(out -> writeRelinKey(rlk, params, out));
    }

    /** The serialized form of Galois keys. */
    public static byte[] toBytes(GaloisKeys gk, CkksParameters params) {
        return bytes(out -> writeGaloisKeys(gk, params, out));
    }

    /** The serialized form of evaluation keys. */
    public static byte[] toBytes(EvaluationKeys keys, CkksParameters params) {
        return bytes(out -> writeEvaluationKeys(keys, params, out));
    }

    /** Reads a public key from exactly these bytes. */
    public static PublicKey publicKeyFromBytes(byte[] bytes, CkksParameters params) throws IOException {
        return whole(bytes, "public key", in -> readPublicKey(in, params));
    }

    /** Reads a relinearization key from exactly these bytes. */
    public static RelinKey relinKeyFromBytes(byte[] bytes, CkksParameters params) throws IOException {
        return whole(bytes, "relinearization key", in -> readRelinKey(in, params));
    }

    /** Reads Galois keys from exactly these bytes. */
    public static GaloisKeys galoisKeysFromBytes(byte[] bytes, CkksParameters params) throws IOException {
        return whole(bytes, "Galois keys", in -> readGaloisKeys(in, params));
    }

    /** Reads evaluation keys from exactly these bytes. */
    public static EvaluationKeys evaluationKeysFromBytes(byte[] bytes, CkksParameters params) throws IOException {
        return whole(bytes, "evaluation keys", in -> readEvaluationKeys(in, params));
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

    /** Reads an NTT-form polynomial with limbs modulo {@code q_0..q_(limbs-1)}, then {@code special} special primes. */
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
