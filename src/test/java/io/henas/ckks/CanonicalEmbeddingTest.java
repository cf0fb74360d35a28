package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CanonicalEmbeddingTest {

    static final long SEED = 20261121L;

    /** Naive O(N^2) canonical embedding: m evaluated at zeta^(5^j mod 2N), summed with exact-angle roots. */
    static double[][] naiveDecode(double[] m) {
        int bigN = m.length;
        int mm = 2 * bigN;
        int n = bigN / 2;
        double[] re = new double[n];
        double[] im = new double[n];
        double[] cs = new double[2];
        long g = 1;
        for (int j = 0; j < n; j++) {
            double sr = 0;
            double si = 0;
            for (int k = 0; k < bigN; k++) {
                CanonicalEmbedding.rootOfUnity(g * k % mm, mm, cs);
                sr += m[k] * cs[0];
                si += m[k] * cs[1];
            }
            re[j] = sr;
            im[j] = si;
            g = g * 5 % mm;
        }
        return new double[][] {re, im};
    }

    static double[] randomVector(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2 * rnd.nextDouble() - 1;
        }
        return v;
    }

    /** Applies X -> X^g (g odd) to a coefficient vector of Z[X]/(X^N + 1). */
    static double[] automorphism(double[] m, long g) {
        int bigN = m.length;
        double[] out = new double[bigN];
        for (int k = 0; k < bigN; k++) {
            long e = (long) k * g % (2L * bigN);
            if (e < bigN) {
                out[(int) e] += m[k];
            } else {
                out[(int) (e - bigN)] -= m[k];
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 8, 10})
    void decodeMatchesNaiveEvaluation(int logN) {
        CanonicalEmbedding emb = new CanonicalEmbedding(logN);
        Random rnd = new Random(SEED + logN);
        double[] m = randomVector(rnd, 1 << logN);
        for (int k = 0; k < m.length; k++) {
            m[k] /= Math.sqrt(m.length); // slot values of unit size
        }
        double[][] fast = emb.decode(m);
        double[][] naive = naiveDecode(m);
        EncodingPrecision p = EncodingPrecision.of(naive[0], naive[1], fast[0], fast[1]);
        assertTrue(p.minBits() > 45, "logN=" + logN + " " + p);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 9})
    void encodeMatchesNaiveInverse(int logN) {
        CanonicalEmbedding emb = new CanonicalEmbedding(logN);
        Random rnd = new Random(SEED - logN);
        int n = emb.slots();
        double[] re = randomVector(rnd, n);
        double[] im = randomVector(rnd, n);
        double[] m = emb.encode(re, im);
        double[][] back = naiveDecode(m);
        EncodingPrecision p = EncodingPrecision.of(re, im, back[0], back[1]);
        assertTrue(p.minBits() > 45, "logN=" + logN + " " + p);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 10, 13, 16})
    void roundTripsBothWays(int logN) {
        CanonicalEmbedding emb = new CanonicalEmbedding(logN);
        Random rnd = new Random(SEED * 31 + logN);
        int n = emb.slots();
        double[] re = randomVector(rnd, n);
        double[] im = randomVector(rnd, n);
        double[][] slots = emb.decode(emb.encode(re, im));
        EncodingPrecision p = EncodingPrecision.of(re, im, slots[0], slots[1]);
        assertTrue(p.minBits() > 45, "slots -> coeffs -> slots, logN=" + logN + " " + p);

        double[] m = randomVector(rnd, 2 * n);
        double[][] z = emb.decode(m);
        double[] back = emb.encode(z[0], z[1]);
        EncodingPrecision q = EncodingPrecision.of(m, back);
        assertTrue(q.minBits() > 45, "coeffs -> slots -> coeffs, logN=" + logN + " " + q);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 7, 11})
    void automorphismFiveToTheKRotatesLeftByK(int logN) {
        CanonicalEmbedding emb = new CanonicalEmbedding(logN);
        int n = emb.slots();
        int bigN = 2 * n;
        Random rnd = new Random(SEED ^ logN);
        double[] re = randomVector(rnd, n);
        double[] im = randomVector(rnd, n);
        double[] m = emb.encode(re, im);
        long g = 1;
        for (int k = 0; k < n; k++) {
            double[][] rotated = emb.decode(automorphism(m, g));
            double[] expRe = new double[n];
            double[] expIm = new double[n];
            for (int i = 0; i < n; i++) {
                expRe[i] = re[(i + k) % n];
                expIm[i] = im[(i + k) % n];
            }
            EncodingPrecision p = EncodingPrecision.of(expRe, expIm, rotated[0], rotated[1]);
            assertTrue(p.minBits() > 44, "rotation by " + k + " at logN=" + logN + ": " + p);
            g = g * 5 % (2L * bigN);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 12})
    void automorphismMinusOneConjugates(int logN) {
        CanonicalEmbedding emb = new CanonicalEmbedding(logN);
        int n = emb.slots();
        Random rnd = new Random(SEED + 7 * logN);
        double[] re = randomVector(rnd, n);
        double[] im = randomVector(rnd, n);
        double[][] conj = emb.decode(automorphism(emb.encode(re, im), 4L * n - 1));
        double[] negIm = new double[n];
        for (int i = 0; i < n; i++) {
            negIm[i] = -im[i];
        }
        EncodingPrecision p = EncodingPrecision.of(re, negIm, conj[0], conj[1]);
        assertTrue(p.minBits() > 45, "conjugation at logN=" + logN + ": " + p);
    }

    @Test
    void complexConstantIsAPlusBTimesXToTheHalfN() {
        CanonicalEmbedding emb = new CanonicalEmbedding(6);
        int n = emb.slots();
        double[] re = new double[n];
        double[] im = new double[n];
        java.util.Arrays.fill(re, 1.5);
        java.util.Arrays.fill(im, -0.25);
        double[] m = emb.encode(re, im);
        for (int k = 0; k < 2 * n; k++) {
            double expected = k == 0 ? 1.5 : k == n ? -0.25 : 0;
            assertEquals(expected, m[k], 1e-14, "coefficient " + k);
        }
    }

    @Test
    void rootsOfUnityAreAccurate() {
        double[] cs = new double[2];
        int m = 1 << 17;
        for (int e = 0; e < m; e += 37) {
            CanonicalEmbedding.rootOfUnity(e, m, cs);
            double theta = 2 * Math.PI * e / m;
            assertEquals(Math.cos(theta), cs[0], 2e-15, "cos at e=" + e);
            assertEquals(Math.sin(theta), cs[1], 2e-15, "sin at e=" + e);
            assertEquals(1.0, cs[0] * cs[0] + cs[1] * cs[1], 4e-16, "norm at e=" + e);
        }
        CanonicalEmbedding.rootOfUnity(m / 4, m, cs);
        assertEquals(0.0, cs[0]);
        assertEquals(1.0, cs[1]);
        CanonicalEmbedding.rootOfUnity(m / 2 + m, m, cs);
        assertEquals(-1.0, cs[0]);
        assertEquals(0.0, cs[1]);
    }

    @Test
    void realInputGivesRealCoefficientsOnlyInFirstHalfWhenSlotsAreConjugateSymmetric() {
        // a real vector of slots: its decode after encode has zero imaginary parts
        CanonicalEmbedding emb = new CanonicalEmbedding(9);
        Random rnd = new Random(SEED);
        double[] re = randomVector(rnd, emb.slots());
        double[][] z = emb.decode(emb.encode(re, null));
        for (int i = 0; i < emb.slots(); i++) {
            assertEquals(0.0, z[1][i], 1e-13, "imaginary part of slot " + i);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new CanonicalEmbedding(0));
        assertThrows(IllegalArgumentException.class, () -> new CanonicalEmbedding(18));
        CanonicalEmbedding emb = new CanonicalEmbedding(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> emb.encode(new double[9], null));
        assertEquals("re length must be at most 8, but was 9", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> emb.decode(new double[15]));
        assertThrows(IllegalArgumentException.class, () -> emb.decodeInto(new double[16], new double[8], new double[7]));
    }
}
