package io.henas.ckks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.KeySwitchKey;
import io.henas.rlwe.SecretKey;
import io.henas.rlwe.Security;

/**
 * A/B measurement (not a test) of SEAL's scheme against hybrid key switching on the same data chain: relinearize
 * and rotate_1 at the top level, CPU time of the calling thread, the configurations alternating round by round in
 * one JVM, medians; key sizes; precision of a rotation against a fresh encryption. Run:
 * {@code java -cp target/classes:target/test-classes io.henas.ckks.KeySwitchBenchMain [rounds [logN]]}.
 */
public final class KeySwitchBenchMain {
    private KeySwitchBenchMain() {
    }

    record Config(String name, int logN, int[] q, int[] p, int alpha) {
    }

    static int[] chain(int first, int rest, int count) {
        int[] b = new int[count + 1];
        Arrays.fill(b, rest);
        b[0] = first;
        return b;
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        List<Config> configs = new ArrayList<>();
        int[] q13 = chain(31, 26, 5);
        configs.add(new Config("13 SEAL P=[31]", 13, q13, new int[]{31}, 1));
        configs.add(new Config("13 P=[28,28] a=1", 13, q13, new int[]{28, 28}, 1));
        configs.add(new Config("13 P=[28,28] a=2", 13, q13, new int[]{28, 28}, 2));
        int[] q14 = chain(36, 28, 11);
        configs.add(new Config("14 SEAL P=[36]", 14, q14, new int[]{36}, 1));
        configs.add(new Config("14 P=[36,36] a=1", 14, q14, new int[]{36, 36}, 1));
        configs.add(new Config("14 P=[36,36] a=2", 14, q14, new int[]{36, 36}, 2));
        configs.add(new Config("14 P=[36,36] a=3", 14, q14, new int[]{36, 36}, 3));
        configs.add(new Config("14 P=[36,36] a=4", 14, q14, new int[]{36, 36}, 4));
        if (args.length > 1) {
            int only = Integer.parseInt(args[1]);
            configs.removeIf(c -> c.logN() != only);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int m = configs.size();
        Evaluator[] ev = new Evaluator[m];
        Ciphertext[] prod = new Ciphertext[m];
        Ciphertext[] ct = new Ciphertext[m];
        Ciphertext[] out2 = new Ciphertext[m];
        Ciphertext[] outR = new Ciphertext[m];
        for (int c = 0; c < m; c++) {
            Config cfg = configs.get(c);
            CkksParameters p = CkksParameters.of(CkksParameters.Literal.fromBits(cfg.logN(), cfg.q()[1],
                    Security.HE_STANDARD_128, cfg.q(), cfg.p(), cfg.alpha()));
            KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
            SecretKey sk = kg.secretKey();
            EvaluationKeys keys = kg.evaluationKeys(sk, new int[]{1}, false);
            Encoder enc = new Encoder(p);
            Encryptor e = Encryptor.ofPublicKey(p, keys.publicKey());
            Decryptor dec = new Decryptor(p, sk);
            SplittableRandom r = new SplittableRandom(7);
            double[] v = new double[p.slots()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble(-1, 1);
            }
            ev[c] = new Evaluator(p, keys);
            ct[c] = e.encrypt(enc.encode(v, p.maxLevel(), p.defaultScale()));
            prod[c] = ev[c].mul(ct[c], ct[c]);
            out2[c] = ev[c].relinearize(prod[c]);
            outR[c] = ev[c].rotate(ct[c], 1);
            double[] want = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                want[i] = v[(i + 1) % v.length];
            }
            double fresh = NaiveSlots.bits(v, enc.decodeReal(dec.decrypt(ct[c])));
            double rot = NaiveSlots.bits(want, enc.decodeReal(dec.decrypt(outR[c])));
            System.out.printf("%-18s %s logP=%d maxDigit=%d dnum=%d key=%.1f MB (level 0: %.1f MB) precision fresh "
                            + "%.1f, rotate_1 %.1f bits%n", cfg.name(), p.rlwe(), p.rlwe().specialBits(),
                    p.rlwe().maxDigitBits(), p.rlwe().digitCount(p.maxLevel()),
                    KeySwitchKey.byteSize(p.rlwe(), p.maxLevel()) / 1e6, KeySwitchKey.byteSize(p.rlwe(), 0) / 1e6,
                    fresh, rot);
        }
        long[][] relin = new long[m][rounds];
        long[][] rotate = new long[m][rounds];
        for (int round = -3; round < rounds; round++) {
            for (int c = 0; c < m; c++) {
                long t0 = mx.getCurrentThreadCpuTime();
                ev[c].relinearizeInto(prod[c], out2[c]);
                long t1 = mx.getCurrentThreadCpuTime();
                ev[c].rotateInto(ct[c], 1, outR[c]);
                long t2 = mx.getCurrentThreadCpuTime();
                if (round >= 0) {
                    relin[c][round] = t1 - t0;
                    rotate[c][round] = t2 - t1;
                }
            }
        }
        for (int c = 0; c < m; c++) {
            System.out.printf("%-18s relinearize %8.0f us   rotate_1 %8.0f us%n", configs.get(c).name(),
                    median(relin[c]) / 1e3, median(rotate[c]) / 1e3);
        }
    }

    static double median(long[] x) {
        long[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
