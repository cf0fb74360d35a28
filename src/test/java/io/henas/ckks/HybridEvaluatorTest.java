package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.GaloisKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.KeySwitchKey;
import io.henas.rlwe.RelinKey;
import io.henas.rlwe.SecretKey;
import io.henas.rlwe.Security;

/**
 * CKKS operations that key-switch (relinearize, rotate, hoisted rotations, conjugate) under hybrid key switching,
 * asserted in bits of precision for several (special primes, digit size), on small INSECURE rings and a 128-bit
 * ring; keys restricted to a level; serialization of hybrid parameters and leveled keys.
 */
class HybridEvaluatorTest {
    static final long SEED = 20261121L;

    static final int[] Q5 = {45, 35, 35, 35, 35};

    static List<CkksParameters.Literal> literals() {
        Security in = Security.INSECURE_NO_BOUND;
        return List.of(
                CkksParameters.Literal.fromBits(10, 35, in, Q5, new int[]{50}, 1),
                CkksParameters.Literal.fromBits(10, 35, in, Q5, new int[]{45, 45}, 2),
                CkksParameters.Literal.fromBits(10, 35, in, Q5, new int[]{45, 45}, 1),
                CkksParameters.Literal.fromBits(10, 35, in, Q5, new int[]{40, 40, 40}, 3),
                CkksParameters.Literal.fromBits(11, 35, in, new int[]{45, 35}, new int[]{61, 30}, 2),
                CkksParameters.Literal.fromBits(13, 26, Security.HE_STANDARD_128,
                        new int[]{31, 26, 26, 26, 26, 26}, new int[]{28, 28}, 1),
                // P (56 bits) below the largest digit (57 bits): correct, but the key switch costs precision (about
                // 10 bits on rotations with centred digit lifts; 4-5.5 with [0, D) lifts, whose overflow multiples of
                // the digit's first prime the approximate basis extension added)
                CkksParameters.Literal.fromBits(13, 26, Security.HE_STANDARD_128,
                        new int[]{31, 26, 26, 26, 26, 26}, new int[]{28, 28}, 2));
    }

    static double[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(-1, 1);
        }
        return v;
    }

    static double[] rotated(double[] v, int k) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[Math.floorMod(i + k, v.length)];
        }
        return out;
    }

    @Test
    void relinearizeRotateAndHoistedRotationsArePreciseForEveryConfiguration() {
        for (CkksParameters.Literal lit : literals()) {
            CkksParameters p = CkksParameters.of(lit);
            KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
            SecretKey sk = kg.secretKey();
            EvaluationKeys keys = kg.evaluationKeys(sk, new int[]{1, 2, -3}, true);
            Encoder ec = new Encoder(p);
            Encryptor enc = Encryptor.ofPublicKey(p, keys.publicKey());
            Decryptor dec = new Decryptor(p, sk);
            double scale = p.defaultScale();
            // the threshold: the scale's bits minus what noise at this N costs, and minus the key-switching noise
            // when P does not exceed the largest digit by about logN bits (centred digits: N sigma D / P, with 6
            // bits of margin for the canonical embedding's spread and unseeded keys)
            double scaleBits = Math.log(scale) / Math.log(2);
            double want = Math.min(scaleBits - p.logN() - 4,
                    scaleBits - (p.rlwe().maxDigitBits() - p.rlwe().specialBits()) - p.logN() - 6);
            try (Evaluator ev = new Evaluator(p, keys, 2)) {
                double[] x = random(p.slots(), SEED);
                double[] y = random(p.slots(), SEED + 1);
                StringBuilder line = new StringBuilder("hybrid " + p.rlwe() + ":");
                for (int level : new int[]{p.maxLevel(), 1}) {
                    Ciphertext cx = enc.encrypt(ec.encode(x, level, scale));
                    Ciphertext cy = enc.encrypt(ec.encode(y, level, scale));
                    double[] xy = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        xy[i] = x[i] * y[i];
                    }
                    double fresh = NaiveSlots.bits(x, ec.decodeReal(dec.decrypt(cx)));
                    line.append(String.format(" fresh %.1f", fresh));
                    double mul = NaiveSlots.bits(xy, ec.decodeReal(dec.decrypt(ev.rescale(ev.mulRelin(cx, cy)))));
                    double rot = NaiveSlots.bits(rotated(x, 2), ec.decodeReal(dec.decrypt(ev.rotate(cx, 2))));
                    Ciphertext[] h = ev.rotateHoisted(cx, 1, -3, 0);
                    double h0 = NaiveSlots.bits(rotated(x, 1), ec.decodeReal(dec.decrypt(h[0])));
                    double h1 = NaiveSlots.bits(rotated(x, -3), ec.decodeReal(dec.decrypt(h[1])));
                    double h2 = NaiveSlots.bits(x, ec.decodeReal(dec.decrypt(h[2])));
                    double hoisted = Math.min(h0, Math.min(h1, h2));
                    double conj = NaiveSlots.bits(x, ec.decodeReal(dec.decrypt(ev.conjugate(cx))));
                    line.append(String.format(" level %d: mul+relin+rescale %.1f, rotate %.1f, hoisted %.1f, "
                            + "conjugate %.1f bits;", level, mul, rot, hoisted, conj));
                    String what = p.rlwe() + " level " + level;
                    assertTrue(mul >= want - 1, what + ": product " + mul + " bits");
                    assertTrue(rot >= want && hoisted >= want && conj >= want, what + ": rotate " + rot
                            + ", hoisted " + hoisted + ", conjugate " + conj + " bits, want " + want);
                }
                System.out.println(line);
            }
        }
    }
}
