package io.henas.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.sun.management.OperatingSystemMXBean;

import io.henas.ckks.CkksParameters;
import io.henas.ring.Automorphism;
import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.Sampler;
import io.henas.ring.ScratchPool;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.KeySwitchKey;
import io.henas.rlwe.KeySwitcher;
import io.henas.rlwe.RlweParameters;

/**
 * Compares block sizes of the fused key switch ({@link KeySwitcher#switchKey}; block 0 is the unblocked inner
 * product) in one JVM, so that a loaded machine affects all of them alike: each round times every variant once, in
 * an order rotated from round to round, on the chains {@code bench ckks} measures ({@link
 * EvaluatorOpMeasurer#parametersFor}) at their top level, without and with a Galois permutation (rotation by 1; the
 * relinearization key stands in for the Galois key, which only changes the key's contents). Prints per variant the
 * median milliseconds, wall and process CPU (all threads, at the OS's resolution, often 10 ms; on a loaded machine
 * CPU time excludes waiting for a core, not cache or memory contention), and the medians over rounds of its times
 * divided by block 0's in the same round. Checks that all variants give identical outputs.
 * Usage: {@code java -cp henas.jar io.henas.bench.KeySwitchTiming [logNs=14,15] [threads=1,2] [rounds=21]
 * [blocks=0,2048]}.
 */
public final class KeySwitchTiming {
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private KeySwitchTiming() {
    }

    public static void main(String[] args) {
        int[] logNs = ints(args.length > 0 ? args[0] : "14,15");
        int[] threads = ints(args.length > 1 ? args[1] : "1,2");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 21;
        int[] blocks = ints(args.length > 3 ? args[3] : "0,2048");
        for (int logN : logNs) {
            CkksParameters cp = EvaluatorOpMeasurer.parametersFor(logN);
            RlweParameters p = cp.rlwe();
            KeyGenerator kg = new KeyGenerator(p, new Sampler());
            KeySwitchKey key = kg.relinKey(kg.secretKey()).key();
            Ring ring = p.ring();
            int l = p.maxLevel();
            RnsPoly c = ring.newPoly(l + 1, true);
            Sampler s = new Sampler();
            for (int i = 0; i <= l; i++) {
                s.uniform(ring.modulus(i), c.limb(i));
            }
            int targets = l + 2;
            ScratchPool pool = new ScratchPool(p.n(), (p.digitCount(l) + 1) * (targets + 1) + 8 * targets + 16);
            int[] perm = Automorphism.nttPermutation(logN, Automorphism.rotationElement(logN, 1));
            KeySwitcher base = new KeySwitcher(p);
            System.out.printf("logN %d: level %d, %d digits, k %d, alpha %d; default block %d%n", logN, l,
                    p.digitCount(l), p.specialPrimeCount(), p.digitSize(), base.block());
            for (int t : threads) {
                try (Parallel par = new Parallel(t)) {
                    for (int[] pm : new int[][]{null, perm}) {
                        run(base, blocks, c, key, pm, par, pool, rounds, logN, t);
                    }
                }
            }
        }
    }

    private static void run(KeySwitcher base, int[] blocks, RnsPoly c, KeySwitchKey key, int[] perm, Parallel par,
                            ScratchPool pool, int rounds, int logN, int threads) {
        Ring ring = key.params().ring();
        int limbs = c.limbCount();
        int v = blocks.length;
        KeySwitcher[] ks = new KeySwitcher[v];
        RnsPoly[][] out = new RnsPoly[v][];
        for (int i = 0; i < v; i++) {
            ks[i] = base.withBlock(blocks[i]);
            out[i] = new RnsPoly[]{ring.newPoly(limbs, true), ring.newPoly(limbs, true)};
        }
        for (int w = 0; w < 3; w++) {
            for (int i = 0; i < v; i++) {
                ks[i].switchKey(c, key, perm, out[i][0], out[i][1], par, pool);
            }
        }
        for (int i = 1; i < v; i++) {
            for (int j = 0; j < limbs; j++) {
                if (!Arrays.equals(out[0][0].limb(j), out[i][0].limb(j))
                        || !Arrays.equals(out[0][1].limb(j), out[i][1].limb(j))) {
                    throw new IllegalStateException("block " + blocks[i] + " differs from block " + blocks[0]);
                }
            }
        }
        double[][] ms = new double[v][rounds];
        double[][] cpu = new double[v][rounds];
        double[][] ratio = new double[v][rounds];
        double[][] cpuRatio = new double[v][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int o = 0; o < v; o++) {
                int i = (o + r) % v;
                long c0 = OS.getProcessCpuTime();
                long t0 = System.nanoTime();
                ks[i].switchKey(c, key, perm, out[i][0], out[i][1], par, pool);
                ms[i][r] = (System.nanoTime() - t0) / 1e6;
                cpu[i][r] = (OS.getProcessCpuTime() - c0) / 1e6;
            }
            for (int i = 0; i < v; i++) {
                ratio[i][r] = ms[i][r] / ms[0][r];
                cpuRatio[i][r] = cpu[i][r] / cpu[0][r];
            }
        }
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < v; i++) {
            cells.add(String.format("block %d: wall %.1f ms x%.3f, cpu %.1f ms x%.3f", blocks[i], median(ms[i]),
                    median(ratio[i]), median(cpu[i]), median(cpuRatio[i])));
        }
        System.out.printf("logN %d, %d threads, perm %-5s | %s%n", logN, threads, perm != null,
                String.join(" | ", cells));
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int m = s.length;
        return m % 2 == 1 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
