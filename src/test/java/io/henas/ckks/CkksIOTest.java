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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.henas.ring.RnsPoly;

class CkksIOTest {

    static final long SEED = CanonicalEmbeddingTest.SEED;
    static CkksParameters small;
    static CkksParameters p13;

    @BeforeAll
    static void setUp() {
        small = CkksParameters.of(CkksPresets.INSECURE_N10);
        p13 = CkksParameters.of(CkksPresets.N13_DEPTH2);
    }

    /** A polynomial with uniformly random residues (a valid NTT-form polynomial of the level). */
    static RnsPoly randomPoly(CkksParameters params, int limbs, Random rnd) {
        long[][] data = new long[limbs][params.n()];
        for (int i = 0; i < limbs; i++) {
            long q = params.ring().modulus(i).value();
            for (int k = 0; k < params.n(); k++) {
                data[i][k] = Math.floorMod(rnd.nextLong(), q);
            }
            data[i][0] = q - 1;
            data[i][1] = 0;
        }
        return new RnsPoly(data, true);
    }

    static Ciphertext randomCiphertext(CkksParameters params, int level, int size, Random rnd) {
        RnsPoly[] polys = new RnsPoly[size];
        for (int j = 0; j < size; j++) {
            polys[j] = randomPoly(params, level + 1, rnd);
        }
        return new Ciphertext(params, Math.scalb(1.0, 30 + rnd.nextInt(20)) * (1 + rnd.nextDouble()), polys);
    }

    static void assertSamePoly(RnsPoly a, RnsPoly b) {
        assertEquals(a.limbCount(), b.limbCount());
        assertEquals(a.isNtt(), b.isNtt());
        for (int i = 0; i < a.limbCount(); i++) {
            assertArrayEquals(a.limb(i), b.limb(i), "limb " + i);
        }
    }

    static void assertSameCiphertext(Ciphertext a, Ciphertext b) {
        assertEquals(a.size(), b.size());
        assertEquals(a.level(), b.level());
        assertEquals(a.scale(), b.scale());
        assertEquals(a.params(), b.params());
        for (int j = 0; j < a.size(); j++) {
            assertSamePoly(a.poly(j), b.poly(j));
        }
    }

    @Test
    void parametersRoundTrip() throws IOException {
        for (CkksParameters.Literal lit : new CkksParameters.Literal[] {CkksPresets.N13_DEPTH2,
                CkksPresets.N14_SEAL_DEFAULT, CkksPresets.N12_DEPTH1}) {
            CkksParameters params = CkksParameters.of(lit);
            byte[] bytes = CkksIO.toBytes(params);
            CkksParameters back = CkksIO.parametersFromBytes(bytes);
            assertEquals(params, back);
            assertEquals(params.id(), back.id());
            assertArrayEquals(bytes, CkksIO.toBytes(back));
        }
    }

    @Test
    void insecureParametersNeedTheExplicitOptIn() throws IOException {
        byte[] bytes = CkksIO.toBytes(small);
        CkksFormatException e = assertThrows(CkksFormatException.class, () -> CkksIO.parametersFromBytes(bytes));
        assertEquals("parameters are INSECURE (INSECURE_NO_BOUND): refused; use readParametersAllowInsecure only for"
                + " tests", e.getMessage());
        assertEquals(small, CkksIO.parametersFromBytesAllowInsecure(bytes));
    }

    @Test
    void parametersAreValidatedAndTheirIdChecked() {
        byte[] bytes = CkksIO.toBytes(p13);
        // q0 sits after the header (15 bytes), logN, security code and count: bytes 18..25
        byte[] notPrime = bytes.clone();
        notPrime[25] ^= 2;
        CkksFormatException e = assertThrows(CkksFormatException.class, () -> CkksIO.parametersFromBytes(notPrime));
        assertTrue(e.getMessage().startsWith("invalid parameters: q[0] must be an NTT-friendly prime"), e.getMessage());
        byte[] badId = bytes.clone();
        badId[14] ^= 1;
        e = assertThrows(CkksFormatException.class, () -> CkksIO.parametersFromBytes(badId));
        assertTrue(e.getMessage().startsWith("parameter id mismatch: header 0x"), e.getMessage());
        byte[] zeroCount = bytes.clone();
        zeroCount[17] = 0;
        e = assertThrows(CkksFormatException.class, () -> CkksIO.parametersFromBytes(zeroCount));
        assertEquals("parameters: prime count must be in [1, 64], but was 0", e.getMessage());
    }

    @Test
    void ciphertextsAndPlaintextsRoundTrip() throws IOException {
        Random rnd = new Random(SEED);
        for (CkksParameters params : new CkksParameters[] {small, p13}) {
            for (int level = 0; level <= params.maxLevel(); level++) {
                for (int size = 2; size <= 3; size++) {
                    Ciphertext ct = randomCiphertext(params, level, size, rnd);
                    byte[] bytes = CkksIO.toBytes(ct);
                    Ciphertext back = CkksIO.ciphertextFromBytes(bytes, params);
                    assertSameCiphertext(ct, back);
                    assertArrayEquals(bytes, CkksIO.toBytes(back));
                }
                Encoder enc = new Encoder(params);
                double[] v = CanonicalEmbeddingTest.randomVector(rnd, enc.slots());
                Plaintext pt = enc.encode(v, level, 0x1p30);
                Plaintext back = CkksIO.plaintextFromBytes(CkksIO.toBytes(pt), params);
                assertEquals(pt.scale(), back.scale());
                assertSamePoly(pt.poly(), back.poly());
                assertArrayEquals(enc.decodeReal(pt), enc.decodeReal(back));
            }
        }
    }

    @Test
    void packingSavesSpace() {
        Ciphertext ct = randomCiphertext(p13, 2, 2, new Random(SEED));
        int bits = 60 + 40 + 40;
        int expected = 15 + 1 + 1 + 8 + 2 * p13.n() * bits / 8;
        assertEquals(expected, CkksIO.toBytes(ct).length);
    }

    @Test
    void severalObjectsFollowEachOtherInOneStream() throws IOException {
        Random rnd = new Random(SEED + 1);
        Ciphertext a = randomCiphertext(small, 1, 2, rnd);
        Ciphertext b = randomCiphertext(small, 2, 3, rnd);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        CkksIO.writeParameters(small, out);
        CkksIO.writeCiphertext(a, out);
        CkksIO.writeCiphertext(b, out);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        CkksParameters params = CkksIO.readParametersAllowInsecure(in);
        assertSameCiphertext(a, CkksIO.readCiphertext(in, params));
        assertSameCiphertext(b, CkksIO.readCiphertext(in, params));
        assertEquals(-1, in.read());
    }

    @Test
    void malformedCiphertextsAreRejectedWithTheReason() {
        Ciphertext ct = randomCiphertext(small, 2, 2, new Random(SEED + 2));
        byte[] bytes = CkksIO.toBytes(ct);
        byte[] level = bytes.clone();
        level[15] = 7;
        assertMessage("ciphertext level 7 exceeds the parameters' max level 2", level, small);
        byte[] size = bytes.clone();
        size[16] = 4;
        assertMessage("ciphertext size must be 2 or 3 polynomials, but was 4", size, small);
        byte[] scale = bytes.clone();
        scale[17] = (byte) 0xff; // negative / NaN double
        CkksFormatException e = assertThrows(CkksFormatException.class, () -> CkksIO.ciphertextFromBytes(scale, small));
        assertTrue(e.getMessage().startsWith("ciphertext scale must be positive and finite, but was "), e.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertMessage("truncated input: the data ended inside the ciphertext", truncated, small);
        byte[] extended = java.util.Arrays.copyOf(bytes, bytes.length + 3);
        assertMessage("3 trailing bytes after the ciphertext", extended, small);
        byte[] residue = bytes.clone();
        // the first coefficient of limb 0 is q0 - 1 (50 bits): setting its top 42 bits makes it >= q0
        for (int b = 25; b < 30; b++) {
            residue[b] = (byte) 0xff;
        }
        residue[30] |= (byte) 0xc0;
        e = assertThrows(CkksFormatException.class, () -> CkksIO.ciphertextFromBytes(residue, small));
        assertTrue(e.getMessage().startsWith("ciphertext polynomial 0, limb 0, coefficient 0: residue must be below the"
                + " modulus " + small.ring().modulus(0).value() + ", but was 11258999068"), e.getMessage());
        e = assertThrows(CkksFormatException.class, () -> CkksIO.ciphertextFromBytes(bytes, p13));
        assertTrue(e.getMessage().matches("parameter id mismatch: file 0x[0-9a-f]{16} vs context 0x[0-9a-f]{16} \\(the "
                + "ciphertext was made with other parameters\\)"), e.getMessage());
        e = assertThrows(CkksFormatException.class, () -> CkksIO.plaintextFromBytes(bytes, small));
        assertEquals("object type must be 6 (plaintext), but was 5 (ciphertext)", e.getMessage());
    }

    private static void assertMessage(String expected, byte[] bytes, CkksParameters params) {
        CkksFormatException e = assertThrows(CkksFormatException.class, () -> CkksIO.ciphertextFromBytes(bytes, params));
        assertEquals(expected, e.getMessage());
    }
}
