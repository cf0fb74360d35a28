package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncoderTest {

    static final long SEED = CanonicalEmbeddingTest.SEED;
    static CkksParameters p13;
    static CkksParameters p14;

    @BeforeAll
    static void setUp() {
        p13 = CkksParameters.of(CkksPresets.N13_DEPTH2);
        p14 = CkksParameters.of(CkksPresets.N14_DEPTH7);
    }

    static CkksParameters params(int logN) {
        return logN == 13 ? p13 : p14;
    }

    static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 14})
    void realVectorsRoundTripWithinTheRoundingError(int logN) {
        CkksParameters params = params(logN);
        Encoder enc = new Encoder(params);
        Random rnd = new Random(SEED + logN);
        double[] v = CanonicalEmbeddingTest.randomVector(rnd, enc.slots());
        for (int level = 0; level <= params.maxLevel(); level++) {
            double scale = params.defaultScale();
            Encoder.Encoded e = enc.encodeMeasured(v, null, level, scale);
            assertEquals(level, e.plaintext().level());
            assertEquals(scale, e.plaintext().scale());
            Encoder.Decoded d = enc.decode(e.plaintext());
            EncodingPrecision p = d.precision(v, null);
            // rounding to integers dominates: a complex Gaussian of std e.roundingError() per slot
            assertTrue(p.maxError() < 6 * e.roundingError(), "level " + level + ": " + p + ", rms " + e.roundingError());
            assertTrue(Math.abs(log2(e.roundingError()) - log2(d.roundingError())) < 0.2,
                    "measured rms " + e.roundingError() + " vs expected " + d.roundingError());
            assertTrue(p.minBits() > 32 - (logN - 13) * 0.5, "level " + level + ": " + p);
            assertTrue(d.maxImaginary() > 0 && d.maxImaginary() < 6 * e.roundingError(),
                    "imaginary noise " + d.maxImaginary());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 14})
    void complexVectorsRoundTrip(int logN) {
        CkksParameters params = params(logN);
        Encoder enc = new Encoder(params);
        Random rnd = new Random(SEED - logN);
        double[] re = CanonicalEmbeddingTest.randomVector(rnd, enc.slots());
        double[] im = CanonicalEmbeddingTest.randomVector(rnd, enc.slots());
        Encoder.Decoded d = enc.decode(enc.encode(re, im, params.maxLevel(), 0x1p45));
        EncodingPrecision p = d.precision(re, im);
        assertTrue(p.minBits() > 37 - (logN - 13) * 0.5, p.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 14})
    void imaginaryPartsEstimateTheErrorOfAnEncryptedRealVector(int logN) {
        CkksParameters params = params(logN);
        Encoder enc = new Encoder(params);
        io.henas.rlwe.KeyGenerator gen = new io.henas.rlwe.KeyGenerator(params.rlwe(), new io.henas.ring.Sampler());
        io.henas.rlwe.SecretKey sk = gen.secretKey();
        Encryptor encryptor = Encryptor.ofPublicKey(params, gen.publicKey(sk));
        double[] v = CanonicalEmbeddingTest.randomVector(new Random(SEED * 3 + logN), enc.slots());
        Encoder.Decoded d = enc.decode(new Decryptor(params, sk).decrypt(
                encryptor.encrypt(enc.encode(v, params.maxLevel(), params.defaultScale()))));
        EncodingPrecision p = d.precision(v);
        // encryption noise dominates rounding; real and imaginary parts carry errors of the same distribution
        assertTrue(p.minBits() > 20, p.toString());
        assertTrue(p.maxError() > d.roundingError(), p + " vs rounding " + d.roundingError());
        double ratio = p.maxError() / d.maxImaginary();
        System.out.printf("encrypt/decrypt logN=%d: %s; imaginary-part error estimate %.3g%n", logN, p,
                d.maxImaginary());
        assertTrue(ratio > 0.33 && ratio < 3, "real error " + p.maxError() + " vs imaginary " + d.maxImaginary());
    }

    @Test
    void shortVectorsArePaddedWithZeros() {
        Encoder enc = new Encoder(p13);
        double[] v = {1.5, -2.25, 3.125};
        double[] out = enc.decodeReal(enc.encode(v, 1, 0x1p40));
        assertEquals(enc.slots(), out.length);
        assertTrue(EncodingPrecision.of(v, out).minBits() > 30);
        double[] tail = java.util.Arrays.copyOfRange(out, 3, out.length);
        assertTrue(EncodingPrecision.of(new double[tail.length], tail).minBits() > 30);
    }

    @Test
    void constantsFillEverySlot() {
        Encoder enc = new Encoder(p13);
        double[] re = new double[enc.slots()];
        double[] im = new double[enc.slots()];
        java.util.Arrays.fill(re, -0.75);
        java.util.Arrays.fill(im, 0.5);
        Encoder.Decoded d = enc.decode(enc.encodeConstant(-0.75, 0.5, 2, 0x1p40));
        assertTrue(d.precision(re, im).minBits() > 38, d.precision(re, im).toString());
        Encoder.Decoded r = enc.decode(enc.encodeConstant(-0.75, 0, 0x1p40));
        assertTrue(r.precision(re, new double[enc.slots()]).minBits() > 38);
        // a real constant is the constant polynomial: in NTT form every evaluation is the same residue
        Plaintext pt = enc.encodeConstant(3, 1, 0x1p20);
        long[] limb0 = pt.poly().limb(0);
        for (long x : limb0) {
            assertEquals(3L << 20, x);
        }
    }

    @Test
    void agreesWithTheCorePlaintextEntryPoints() {
        Encoder enc = new Encoder(p13);
        Random rnd = new Random(SEED);
        double[] re = CanonicalEmbeddingTest.randomVector(rnd, enc.slots());
        double[] im = CanonicalEmbeddingTest.randomVector(rnd, enc.slots());
        double scale = 0x1p40;
        double[] coeffs = new CanonicalEmbedding(13).encode(re, im);
        double[] scaled = coeffs.clone();
        for (int k = 0; k < scaled.length; k++) {
            scaled[k] *= scale;
        }
        Plaintext core = Plaintext.fromCoefficients(p13, scaled, 2, scale);
        Plaintext mine = enc.encode(re, im, 2, scale);
        for (int i = 0; i <= 2; i++) {
            assertArrayEquals(core.poly().limb(i), mine.poly().limb(i), "limb " + i);
        }
        double[] centered = mine.toCoefficients();
        double[][] z = new CanonicalEmbedding(13).decode(divide(centered, scale));
        Encoder.Decoded d = enc.decode(mine);
        assertArrayEquals(z[0], d.re(), 1e-15);
        assertArrayEquals(z[1], d.im(), 1e-15);
    }

    @Test
    void largeScaleAndLargeValuesTakeTheWidePathExactly() {
        Encoder enc = new Encoder(p14);
        Random rnd = new Random(SEED + 5);
        double[] v = CanonicalEmbeddingTest.randomVector(rnd, enc.slots());
        for (int i = 0; i < v.length; i++) {
            v[i] *= 0x1p20;
        }
        // values up to 2^20 at scale 2^50: scaled coefficients up to about 2^77, above 2^62
        Encoder.Decoded d = enc.decode(enc.encode(v, 3, 0x1p50));
        EncodingPrecision p = d.precision(v, null);
        double relativeBits = p.minBits() + 20;
        assertTrue(relativeBits > 40, "relative precision " + relativeBits + " bits, " + p);
    }

    @Test
    void rejectsBadInput() {
        Encoder enc = new Encoder(p13);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> enc.encode(new double[enc.slots() + 1], 0, 0x1p40));
        assertEquals("re must hold at most 4096 values (N/2 slots), but held 4097", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[] {1, Double.NaN}, 0, 0x1p40));
        assertEquals("re[1] must be finite, but was NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[] {1}, 3, 0x1p40));
        assertEquals("level must be in [0, 2], but was 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[] {1}, 0, -1));
        assertEquals("scale must be positive and finite, but was -1.0", e.getMessage());
        // 2^25 at scale 2^40 needs 65 bits plus sign: more than q0 (60 bits) holds
        double[] big = new double[enc.slots()];
        java.util.Arrays.fill(big, 0x1p25); // the constant polynomial 2^25
        e = assertThrows(IllegalArgumentException.class, () -> enc.encode(big, 0, 0x1p40));
        assertTrue(e.getMessage().contains("must be below Q/2 = 2^59.0 of the 1 moduli"), e.getMessage());
        Encoder other = new Encoder(p14);
        Plaintext pt = other.encode(new double[] {1});
        e = assertThrows(IllegalArgumentException.class, () -> enc.decode(pt));
        assertTrue(e.getMessage().startsWith("parameter mismatch: plaintext "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 14})
    void timing(int logN) {
        // prints provisional timings (shared machine); asserts the values it times
        CkksParameters params = params(logN);
        Encoder enc = new Encoder(params);
        Random rnd = new Random(SEED);
        double[] v = CanonicalEmbeddingTest.randomVector(rnd, enc.slots());
        int level = params.maxLevel();
        long bestEnc = Long.MAX_VALUE;
        long bestDec = Long.MAX_VALUE;
        Plaintext pt = null;
        double[] out = null;
        for (int rep = 0; rep < 30; rep++) {
            long t0 = System.nanoTime();
            pt = enc.encode(v, level, params.defaultScale());
            long t1 = System.nanoTime();
            out = enc.decodeReal(pt);
            long t2 = System.nanoTime();
            bestEnc = Math.min(bestEnc, t1 - t0);
            bestDec = Math.min(bestDec, t2 - t1);
        }
        EncodingPrecision p = EncodingPrecision.of(v, out);
        assertTrue(p.minBits() > 30, p.toString());
        System.out.printf("Encoder logN=%d level=%d (%d primes): encode %.0f us, decode %.0f us, %s%n", logN, level,
                level + 1, bestEnc / 1e3, bestDec / 1e3, p);
    }

    static double[] divide(double[] a, double s) {
        double[] out = a.clone();
        for (int k = 0; k < out.length; k++) {
            out[k] /= s;
        }
        return out;
    }
}
