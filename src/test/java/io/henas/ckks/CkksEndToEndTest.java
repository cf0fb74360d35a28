package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.SecretKey;

/** Encoder + encryptor + evaluator + decryptor together, on secure parameters and a small ring. */
class CkksEndToEndTest {
    static final long SEED = 20261121L;

    static double[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(-1, 1);
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"N13_DEPTH2", "N13_SEAL_DEFAULT", "N14_DEPTH7"})
    void encodeEncryptDecryptOnSecureParameters(String preset) throws Exception {
        CkksParameters p = CkksParameters.of((CkksParameters.Literal) CkksPresets.class.getField(preset).get(null));
        assertTrue(p.logN() == 13 || p.logN() == 14);
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
        SecretKey sk = kg.secretKey();
        Encoder ec = new Encoder(p);
        Encryptor enc = Encryptor.ofPublicKey(p, kg.publicKey(sk));
        Decryptor dec = new Decryptor(p, sk);
        double[] v = random(p.slots(), SEED);
        double[] got = ec.decodeReal(dec.decrypt(enc.encrypt(ec.encode(v, p.maxLevel(), p.defaultScale()))));
        double bits = NaiveSlots.bits(v, got);
        assertTrue(bits >= 20, preset + ": " + bits + " bits");
    }

    @Test
    void encoderAgreesWithTheSlotConventionOfRotations() {
        CkksParameters p = CkksParameters.of(CkksPresets.INSECURE_N10);
        Encoder ec = new Encoder(p);
        double[] v = random(p.slots(), SEED + 1);
        double[] viaNaive = NaiveSlots.decode(ec.encode(v, 1, p.defaultScale()))[0];
        assertTrue(NaiveSlots.bits(v, viaNaive) >= 30, "encoder and reference embedding disagree");
    }

    /** logN 15 (slow): encrypt, multiply, rescale, rotate and decrypt on the secure depth-19 preset. */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void logN15RoundTrip() {
        CkksParameters p = CkksParameters.of(CkksPresets.N15_DEPTH19);
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
        SecretKey sk = kg.secretKey();
        EvaluationKeys keys = kg.evaluationKeys(sk, new int[]{3}, false);
        Encoder ec = new Encoder(p);
        Encryptor enc = Encryptor.ofPublicKey(p, keys.publicKey());
        Decryptor dec = new Decryptor(p, sk);
        try (Evaluator ev = new Evaluator(p, keys, 2)) {
            double[] v = random(p.slots(), SEED + 7);
            Ciphertext c = enc.encrypt(ec.encode(v, p.maxLevel(), p.defaultScale()));
            Ciphertext r = ev.rotate(ev.rescale(ev.mulRelin(c, c)), 3);
            double[] want = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                double x = v[(i + 3) % v.length];
                want[i] = x * x;
            }
            assertTrue(NaiveSlots.bits(want, ec.decodeReal(dec.decrypt(r))) >= 18);
        }
    }

    /** Depth-7 chain of 40-bit primes at logN 14: precision asserted at every level (at least 20 bits). */
    @Test
    void multiplyChainUntilTheModulusIsExhausted() {
        CkksParameters p = CkksParameters.of(CkksPresets.N14_DEPTH7);
        assertEquals(7, p.maxLevel());
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
        SecretKey sk = kg.secretKey();
        EvaluationKeys keys = kg.evaluationKeys(sk, new int[0], false);
        Encoder ec = new Encoder(p);
        Encryptor enc = Encryptor.ofPublicKey(p, keys.publicKey());
        Decryptor dec = new Decryptor(p, sk);
        try (Evaluator ev = new Evaluator(p, keys, 2)) {
            double[] want = random(p.slots(), SEED + 2);
            Ciphertext c = enc.encrypt(ec.encode(want, p.maxLevel(), p.defaultScale()));
            for (int depth = 1; depth <= 7; depth++) {
                double[] f = random(p.slots(), SEED + 10 + depth);
                Ciphertext cf = enc.encrypt(ec.encode(f, c.level(), p.defaultScale()));
                c = ev.rescale(ev.mulRelin(c, cf));
                for (int i = 0; i < want.length; i++) {
                    want[i] *= f[i];
                }
                assertEquals(7 - depth, c.level());
                double bits = NaiveSlots.bits(want, ec.decodeReal(dec.decrypt(c)));
                assertTrue(bits >= 20, "depth " + depth + ": " + bits + " bits");
            }
        }
    }

    /** Every rotation step of a 512-slot ring, hoisted, against the plain rotation for a sample of steps. */
    @Test
    void everyRotationStepOfASmallRing() {
        CkksParameters p = CkksParameters.of(CkksPresets.INSECURE_N10);
        int slots = p.slots();
        int[] steps = new int[slots - 1];
        for (int k = 1; k < slots; k++) {
            steps[k - 1] = k;
        }
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
        SecretKey sk = kg.secretKey();
        EvaluationKeys keys = kg.evaluationKeys(sk, steps, true);
        assertEquals(slots, keys.galoisKeys().elements().size()); // 511 rotations + conjugation
        Encoder ec = new Encoder(p);
        Encryptor enc = Encryptor.ofPublicKey(p, keys.publicKey());
        Decryptor dec = new Decryptor(p, sk);
        Evaluator ev = new Evaluator(p, keys);
        double[] v = random(slots, SEED + 3);
        Ciphertext c = enc.encrypt(ec.encode(v, p.maxLevel(), p.defaultScale()));
        Ciphertext[] rot = ev.rotateHoisted(c, steps);
        for (int s = 0; s < steps.length; s++) {
            int k = steps[s];
            double[] want = new double[slots];
            for (int i = 0; i < slots; i++) {
                want[i] = v[(i + k) % slots];
            }
            double[] got = ec.decodeReal(dec.decrypt(rot[s]));
            assertTrue(NaiveSlots.bits(want, got) >= 22, "step " + k);
            if (k % 37 == 1) {
                double[] plain = ec.decodeReal(dec.decrypt(ev.rotate(c, k)));
                assertTrue(NaiveSlots.bits(plain, got) >= 22, "hoisted vs plain, step " + k);
            }
        }
    }
}
