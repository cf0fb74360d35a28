package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.GaloisKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.PublicKey;
import io.henas.rlwe.RelinKey;
import io.henas.rlwe.SecretKey;

/** Round trips of keys through {@link CkksIO}: the keys read back must still work and give identical results. */
class CkksIOKeysTest {

    static final long SEED = CanonicalEmbeddingTest.SEED;
    static CkksParameters params;
    static SecretKey sk;
    static EvaluationKeys keys;
    static Encoder encoder;
    static Decryptor decryptor;

    @BeforeAll
    static void setUp() {
        params = CkksParameters.of(CkksPresets.INSECURE_N11);
        KeyGenerator gen = new KeyGenerator(params.rlwe(), new Sampler());
        sk = gen.secretKey();
        keys = gen.evaluationKeys(sk, new int[] {1, 3, -2}, true);
        encoder = new Encoder(params);
        decryptor = new Decryptor(params, sk);
    }

    static Ciphertext encrypt(double[] v, PublicKey pk) {
        return Encryptor.ofPublicKey(params, pk).encrypt(encoder.encode(v, params.maxLevel(), params.defaultScale()));
    }

    static double[] random(long seed) {
        return CanonicalEmbeddingTest.randomVector(new Random(seed), encoder.slots());
    }

    @Test
    void publicKeyRoundTripStillEncrypts() throws IOException {
        byte[] bytes = CkksIO.toBytes(keys.publicKey(), params);
        PublicKey back = CkksIO.publicKeyFromBytes(bytes, params);
        CkksIOTest.assertSamePoly(keys.publicKey().b(), back.b());
        CkksIOTest.assertSamePoly(keys.publicKey().a(), back.a());
        assertArrayEquals(bytes, CkksIO.toBytes(back, params));
        double[] v = random(SEED);
        EncodingPrecision p = EncodingPrecision.of(v, encoder.decodeReal(decryptor.decrypt(encrypt(v, back))));
        assertTrue(p.minBits() > 20, p.toString());
    }

    @Test
    void ciphertextRoundTripDecryptsToTheSamePlaintext() throws IOException {
        Ciphertext ct = encrypt(random(SEED + 1), keys.publicKey());
        Ciphertext back = CkksIO.ciphertextFromBytes(CkksIO.toBytes(ct), params);
        Plaintext a = decryptor.decrypt(ct);
        Plaintext b = decryptor.decrypt(back);
        CkksIOTest.assertSamePoly(a.poly(), b.poly());
        assertArrayEquals(encoder.decodeReal(a), encoder.decodeReal(b));
    }

    @Test
    void relinAndGaloisKeysRoundTripGiveIdenticalEvaluations() throws IOException {
        RelinKey rlk = CkksIO.relinKeyFromBytes(CkksIO.toBytes(keys.relinKey(), params), params);
        GaloisKeys gk = CkksIO.galoisKeysFromBytes(CkksIO.toBytes(keys.galoisKeys(), params), params);
        assertEquals(keys.galoisKeys().elements(), gk.elements());
        EvaluationKeys readKeys = new EvaluationKeys(keys.publicKey(), rlk, gk);
        double[] x = random(SEED + 2);
        double[] y = random(SEED + 3);
        Ciphertext cx = encrypt(x, keys.publicKey());
        Ciphertext cy = encrypt(y, keys.publicKey());
        try (Evaluator original = new Evaluator(params, keys); Evaluator read = new Evaluator(params, readKeys)) {
            CkksIOTest.assertSameCiphertext(original.relinearize(original.mul(cx, cy)),
                    read.relinearize(read.mul(cx, cy)));
            for (int k : new int[] {1, 3, -2}) {
                Ciphertext r = read.rotate(cx, k);
                CkksIOTest.assertSameCiphertext(original.rotate(cx, k), r);
                double[] expected = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    expected[i] = x[Math.floorMod(i + k, x.length)];
                }
                EncodingPrecision p = EncodingPrecision.of(expected, encoder.decodeReal(decryptor.decrypt(r)));
                assertTrue(p.minBits() > 20, "rotation by " + k + ": " + p);
            }
            CkksIOTest.assertSameCiphertext(original.conjugate(cx), read.conjugate(cx));
            double[] xy = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                xy[i] = x[i] * y[i];
            }
            Ciphertext prod = read.rescale(read.relinearize(read.mul(cx, cy)));
            EncodingPrecision p = EncodingPrecision.of(xy, encoder.decodeReal(decryptor.decrypt(prod)));
            assertTrue(p.minBits() > 20, "product: " + p);
        }
    }

    @Test
    void evaluationKeysBundleRoundTrips() throws IOException {
        byte[] bytes = CkksIO.toBytes(keys, params);
        EvaluationKeys back = CkksIO.evaluationKeysFromBytes(bytes, params);
        assertArrayEquals(bytes, CkksIO.toBytes(back, params));
        assertEquals(keys.galoisKeys().elements(), back.galoisKeys().elements());
        EvaluationKeys noRelin = new EvaluationKeys(keys.publicKey(), null, GaloisKeys.empty());
        EvaluationKeys backNoRelin = CkksIO.evaluationKeysFromBytes(CkksIO.toBytes(noRelin, params), params);
        assertEquals(null, backNoRelin.relinKey());
        assertTrue(backNoRelin.galoisKeys().elements().isEmpty());
    }

    @Test
    void malformedKeysAreRejectedWithTheReason() {
        byte[] gk = CkksIO.toBytes(keys.galoisKeys(), params);
        // count (4 bytes) right after the 15-byte header
        byte[] count = gk.clone();
        count[15] = 0x7f;
        CkksFormatException e = assertThrows(CkksFormatException.class, () -> CkksIO.galoisKeysFromBytes(count, params));
        assertEquals("Galois key count must be in [0, 2048] (the odd residues mod 2N), but was " + (0x7f000000 + 4),
                e.getMessage());
        byte[] element = gk.clone();
        element[26] ^= 1; // the low byte of the first element: odd -> even
        e = assertThrows(CkksFormatException.class, () -> CkksIO.galoisKeysFromBytes(element, params));
        assertTrue(e.getMessage().startsWith("Galois key 0: element must be odd, in (0, 4096) and ascending, but was "),
                e.getMessage());
        byte[] level = gk.clone();
        level[27] = 9; // the key's level, after the element
        e = assertThrows(CkksFormatException.class, () -> CkksIO.galoisKeysFromBytes(level, params));
        assertTrue(e.getMessage().matches("Galois key 0 \\(element \\d+\\) level 9 exceeds the parameters' max "
                + "level 3"), e.getMessage());
        byte[] digits = gk.clone();
        digits[28] = 9;
        e = assertThrows(CkksFormatException.class, () -> CkksIO.galoisKeysFromBytes(digits, params));
        assertTrue(e.getMessage().matches("Galois key 0 \\(element \\d+\\) at level 3 must have 4 digits "
                + "\\(ceil\\(4/1\\)\\), but had 9"), e.getMessage());
        byte[] rlk = CkksIO.toBytes(keys.relinKey(), params);
        e = assertThrows(CkksFormatException.class, () -> CkksIO.publicKeyFromBytes(rlk, params));
        assertEquals("object type must be 2 (public key), but was 3 (relinearization key)", e.getMessage());
        e = assertThrows(CkksFormatException.class,
                () -> CkksIO.relinKeyFromBytes(java.util.Arrays.copyOf(rlk, rlk.length / 2), params));
        assertEquals("truncated input: the data ended inside the relinearization key", e.getMessage());
        CkksParameters other = CkksParameters.of(CkksPresets.INSECURE_N10);
        e = assertThrows(CkksFormatException.class, () -> CkksIO.relinKeyFromBytes(rlk, other));
        assertTrue(e.getMessage().startsWith("parameter id mismatch: file 0x"), e.getMessage());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> CkksIO.toBytes(keys.publicKey(), other));
        assertTrue(w.getMessage().startsWith("parameter mismatch: public key "), w.getMessage());
    }
}
