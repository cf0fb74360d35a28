package io.henas.ckks;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Low-level pieces of the {@link CkksIO} format: the header and bit-packed residue vectors. Package-private.
 *
 * <p>Header: magic {@code "HNCK"} (4 bytes), format version (unsigned 16 bits), object type (1 byte), parameter id
 * (8 bytes). A residue vector modulo {@code q} of {@code n} coefficients is written as {@code n * bits(q) / 8} bytes,
 * each coefficient in {@code bits(q)} bits, most significant first ({@code n} is a power of two {@code >= 8}).
 */
final class CkksIOCodec {

    static final int MAGIC = 0x484E434B; // "HNCK"
    /**
     * 2: public keys hold the special prime's limb (version 1 had only the data primes'). 3: hybrid key switching:
     * parameters carry the special primes and the digit size, key-switching keys their level and digit count.
     */
    static final int VERSION = 3;

    private CkksIOCodec() {
    }

    /** The serialized object types (the byte after the version). */
    enum Type {
        PARAMETERS(1, "parameters"),
        PUBLIC_KEY(2, "public key"),
        RELINEARIZATION_KEY(3, "relinearization key"),
        GALOIS_KEYS(4, "Galois keys"),
        CIPHERTEXT(5, "ciphertext"),
        PLAINTEXT(6, "plaintext"),
        SECRET_KEY(7, "secret key"),
        EVALUATION_KEYS(8, "evaluation keys");

        final int code;
        final String label;

        Type(int code, String label) {
            this.code = code;
            this.label = label;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    static void writeHeader(DataOutput out, Type type, long paramId) throws IOException {
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeByte(type.code);
        out.writeLong(paramId);
    }

    /**
     * Reads and checks a header.
     *
     * @param expectedId the parameter id the object must have
     * @return the parameter id in the file (equal to {@code expectedId} unless {@code checkId} is false)
     */
    static long readHeader(DataInput in, Type expected, long expectedId, boolean checkId) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new CkksFormatException(String.format("not a henas CKKS object: magic must be 0x%08X (\"HNCK\"), "
                    + "but was 0x%08X", MAGIC, magic));
        }
        int version = in.readUnsignedShort();
        if (version != VERSION) {
            throw new CkksFormatException("unsupported format version: must be " + VERSION + ", but was " + version
                    + (version < VERSION ? " (an older format, from before hybrid key switching: write the object "
                    + "again with this version)" : ""));
        }
        int code = in.readUnsignedByte();
        Type type = Type.of(code);
        if (type != expected) {
            throw new CkksFormatException("object type must be " + expected.code + " (" + expected.label
                    + "), but was " + code + (type == null ? " (unknown)" : " (" + type.label + ")"));
        }
        long id = in.readLong();
        if (checkId && id != expectedId) {
            throw new CkksFormatException(String.format("parameter id mismatch: file 0x%016x vs context 0x%016x "
                    + "(the %s was made with other parameters)", id, expectedId, expected.label));
        }
        return id;
    }

    /** Bits needed for residues modulo {@code q}. */
    static int bits(long q) {
        return 64 - Long.numberOfLeadingZeros(q - 1);
    }

    /** Bytes of a packed vector of {@code n} residues of {@code bits} bits. */
    static int packedBytes(int n, int bits) {
        return (int) (((long) n * bits + 7) >>> 3);
    }

    /** Writes {@code v[0..n)} (each in {@code [0, 2^bits)}) packed. {@code scratch} must hold the packed bytes. */
    static void writePacked(DataOutput out, long[] v, int bits, byte[] scratch) throws IOException {
        int len = packedBytes(v.length, bits);
        int pos = 0;
        long acc = 0;     // pending bits, right-aligned
        int pending = 0;  // number of pending bits, < 8 between values
        for (long x : v) {
            int remaining = bits;
            while (remaining > 0) {
                int take = Math.min(remaining, 32);
                remaining -= take;
                long part = (x >>> remaining) & ((1L << take) - 1);
                acc = (acc << take) | part;
                pending += take;
                while (pending >= 8) {
                    pending -= 8;
                    scratch[pos++] = (byte) (acc >>> pending);
                }
                acc &= (1L << pending) - 1;
            }
        }
        if (pending > 0) {
            scratch[pos++] = (byte) (acc << (8 - pending));
        }
        out.write(scratch, 0, len);
    }

    /**
     * Reads {@code v.length} residues packed in {@code bits(q)} bits each and checks every one is below {@code q}.
     *
     * @param what names the vector in error messages, e.g. "ciphertext polynomial 1, limb 3"
     */
    static void readPacked(DataInput in, long[] v, long q, byte[] scratch, String what) throws IOException {
        int bits = bits(q);
        int len = packedBytes(v.length, bits);
        in.readFully(scratch, 0, len);
        int pos = 0;
        long acc = 0;   // unread bits, right-aligned; at most 39 of them
        int avail = 0;
        int high = Math.max(0, bits - 32);
        int low = bits - high;
        long lowMask = (1L << low) - 1;
        long highMask = (1L << high) - 1;
        for (int k = 0; k < v.length; k++) {
            long x = 0;
            if (high > 0) {
                while (avail < high) {
                    acc = (acc << 8) | (scratch[pos++] & 0xff);
                    avail += 8;
                }
                avail -= high;
                x = ((acc >>> avail) & highMask) << low;
            }
            while (avail < low) {
                acc = (acc << 8) | (scratch[pos++] & 0xff);
                avail += 8;
            }
            avail -= low;
            x |= (acc >>> avail) & lowMask;
            acc &= (1L << avail) - 1;
            if (x >= q) {
                throw new CkksFormatException(what + ", coefficient " + k + ": residue must be below the modulus " + q
                        + ", but was " + x);
            }
            v[k] = x;
        }
        if (avail > 0 && (acc & ((1L << avail) - 1)) != 0) {
            throw new CkksFormatException(what + ": padding bits must be zero");
        }
    }
}
