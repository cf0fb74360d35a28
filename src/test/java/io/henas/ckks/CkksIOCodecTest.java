package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

import org.junit.jupiter.api.Test;

class CkksIOCodecTest {

    @Test
    void packedVectorsRoundTripForEveryBitWidth() throws IOException {
        Random rnd = new Random(CanonicalEmbeddingTest.SEED);
        for (int bits = 2; bits <= 62; bits++) {
            long q = (1L << (bits - 1)) + 1 + 2L * rnd.nextInt(1 << Math.min(20, bits - 2));
            assertEquals(bits, CkksIOCodec.bits(q));
            long[] v = new long[64];
            for (int k = 0; k < v.length; k++) {
                v[k] = Math.floorMod(rnd.nextLong(), q);
            }
            v[0] = q - 1;
            v[1] = 0;
            byte[] scratch = new byte[CkksIOCodec.packedBytes(v.length, bits)];
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CkksIOCodec.writePacked(new DataOutputStream(bytes), v, bits, scratch);
            assertEquals(v.length * bits / 8, bytes.size());
            long[] back = new long[v.length];
            CkksIOCodec.readPacked(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), back, q,
                    scratch, "test vector");
            assertArrayEquals(v, back, "bits=" + bits);
        }
    }

    @Test
    void rejectsResiduesNotBelowTheModulus() throws IOException {
        long q = 97; // 7 bits
        long[] v = {1, 2, 3, 96, 97, 5, 6, 7};
        byte[] scratch = new byte[7];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CkksIOCodec.writePacked(new DataOutputStream(bytes), v, 7, scratch);
        CkksFormatException e = assertThrows(CkksFormatException.class, () -> CkksIOCodec.readPacked(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), new long[8], q, scratch, "limb 2"));
        assertEquals("limb 2, coefficient 4: residue must be below the modulus 97, but was 97", e.getMessage());
    }

    @Test
    void headerChecksMagicVersionTypeAndId() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CkksIOCodec.writeHeader(new DataOutputStream(bytes), CkksIOCodec.Type.CIPHERTEXT, 0x1234L);
        byte[] ok = bytes.toByteArray();
        assertEquals(0x1234L, CkksIOCodec.readHeader(in(ok), CkksIOCodec.Type.CIPHERTEXT, 0x1234L, true));
        CkksFormatException e = assertThrows(CkksFormatException.class,
                () -> CkksIOCodec.readHeader(in(ok), CkksIOCodec.Type.CIPHERTEXT, 0x99L, true));
        assertEquals("parameter id mismatch: file 0x0000000000001234 vs context 0x0000000000000099 (the ciphertext was"
                + " made with other parameters)", e.getMessage());
        e = assertThrows(CkksFormatException.class,
                () -> CkksIOCodec.readHeader(in(ok), CkksIOCodec.Type.PLAINTEXT, 0x1234L, true));
        assertEquals("object type must be 6 (plaintext), but was 5 (ciphertext)", e.getMessage());
        byte[] badMagic = ok.clone();
        badMagic[0] ^= 1;
        e = assertThrows(CkksFormatException.class,
                () -> CkksIOCodec.readHeader(in(badMagic), CkksIOCodec.Type.CIPHERTEXT, 0x1234L, true));
        assertTrue(e.getMessage().startsWith("not a henas CKKS object: magic must be 0x484E434B"), e.getMessage());
        byte[] badVersion = ok.clone();
        badVersion[5] = 9;
        e = assertThrows(CkksFormatException.class,
                () -> CkksIOCodec.readHeader(in(badVersion), CkksIOCodec.Type.CIPHERTEXT, 0x1234L, true));
        assertEquals("unsupported format version: must be 3, but was 9", e.getMessage());
    }

    private static DataInputStream in(byte[] b) {
        return new DataInputStream(new ByteArrayInputStream(b));
    }
}
