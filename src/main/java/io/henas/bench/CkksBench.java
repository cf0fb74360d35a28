package io.henas.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import io.henas.ckks.CkksParameters;
import io.henas.ckks.CkksPresets;
import io.henas.ring.Modulus;
import io.henas.ring.NttTables;
import io.henas.ring.Primes;

/**
 * The {@code bench ckks} suite: for each ring degree, SEAL's default chain shape (8192: 5 primes of 43-44 bits,
 * 16384: 9 of 48-49, 32768: 16 of 55-56), ciphertexts at the top data level; every op is warmed up, then its median
 * is taken. Results are in microseconds and keyed like the JSON.
 */
public final class CkksBench {
    /** Op names of the benchmark JSON, in order. */
    public static final List<String> OPS = List.of("ntt_forward", "encode", "decode", "encrypt_pk", "decrypt", "add",
            "mul_ct_ct", "mul_plain", "square", "relinearize", "rescale", "rotate_1", "mul_relin_rescale",
            "rotate_hoisted_8");

    private CkksBench() {
    }

    /**
     * The SEAL-default-shaped parameters for {@code logN} in [13, 15].
     *
     * @throws IllegalArgumentException for other logN
     */
    public static CkksParameters sealDefault(int logN) {
        return CkksParameters.of(switch (logN) {
            case 13 -> CkksPresets.N13_SEAL_DEFAULT;
            case 14 -> CkksPresets.N14_SEAL_DEFAULT;
            case 15 -> CkksPresets.N15_SEAL_DEFAULT;
            default -> throw new IllegalArgumentException("logN must be one of 13, 14, 15, but was " + logN);
        });
    }

    /** Runs the suite for one degree; {@code progress} receives one line per op. */
    public static Map<String, Double> run(int logN, int threads, int samples, Consumer<String> progress) {
        return run(logN, threads, samples, Timing.Clock.WALL, progress);
    }

    /**
     * Runs the suite for one degree on the given clock ({@link Timing.Clock#CPU} requires one thread).
     *
     * @throws IllegalArgumentException for CPU time with more than one thread
     */
    public static Map<String, Double> run(int logN, int threads, int samples, Timing.Clock clock,
                                          Consumer<String> progress) {
        return run(logN, threads, samples, clock, OPS, progress);
    }

    /**
     * Runs the given subset of {@link #OPS} for one degree.
     *
     * @throws IllegalArgumentException for an unknown op, or CPU time with more than one thread
     */
    public static Map<String, Double> run(int logN, int threads, int samples, Timing.Clock clock, List<String> ops,
                                          Consumer<String> progress) {
        for (String op : ops) {
            if (!OPS.contains(op)) {
                throw new IllegalArgumentException("op must be one of " + OPS + ", but was '" + op + "'");
            }
        }
        if (clock == Timing.Clock.CPU && threads != 1) {
            throw new IllegalArgumentException("CPU-time measurement needs --threads 1, but threads was " + threads);
        }
        CkksParameters p = sealDefault(logN);
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load >= 1) {
            progress.accept(String.format("note: load average %.2f before logN %d: timings are inflated%s", load, logN,
                    threads > 1 ? " (while another session keeps the cores busy, the scheduler gives this one about"
                            + " one core in all, so threads gain little)" : ""));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        progress.accept("logN " + logN + ": key generation (" + p + ")");
        try (BenchFixture f = new BenchFixture(p, p.maxLevel(), threads)) {
            for (String op : ops) {
                Runnable r = operation(f, op);
                double us = Timing.medianMicros(r, 5, 500, samples, clock);
                out.put(op, us);
                progress.accept(String.format("logN %d  %-18s %12.1f us", logN, op, us));
            }
        }
        return out;
    }

    /** The runnable that performs one benchmark op on the fixture's operands. */
    static Runnable operation(BenchFixture f, String op) {
        var ev = f.evaluator;
        return switch (op) {
            case "ntt_forward" -> {
                int logN = f.params.logN();
                NttTables t = new NttTables(new Modulus(Primes.chain(logN, 50)[0]), logN);
                long[] x = new long[1 << logN];
                SplittableRandom r = new SplittableRandom(1);
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextLong(t.modulus().value());
                }
                yield () -> t.forward(x);
            }
            case "encode" -> () -> f.encoder.encode(f.values, f.level, f.scale);
            case "decode" -> () -> f.encoder.decode(f.pt);
            case "encrypt", "encrypt_pk" -> () -> f.encryptor.encrypt(f.pt);
            case "decrypt" -> () -> f.decryptor.decrypt(f.a);
            // results go into preallocated ciphertexts (the ...Into variants), as a hot loop would use them
            case "add" -> {
                var out = f.a.copy();
                yield () -> ev.addInto(f.a, f.b, out);
            }
            case "mul_ct", "mul_ct_ct" -> {
                var out = f.product.copy();
                yield () -> ev.mulInto(f.a, f.b, out);
            }
            case "mul_plain" -> {
                var out = f.a.copy();
                yield () -> ev.mulPlainInto(f.a, f.pt, out);
            }
            case "square" -> {
                var out = f.product.copy();
                yield () -> ev.squareInto(f.a, out);
            }
            case "relinearize" -> {
                var out = f.a.copy();
                yield () -> ev.relinearizeInto(f.product, out);
            }
            case "rescale" -> {
                var out = ev.rescale(f.a);
                yield () -> ev.rescaleInto(f.a, out);
            }
            case "rotate", "rotate_1" -> {
                var out = f.a.copy();
                yield () -> ev.rotateInto(f.a, 1, out);
            }
            case "mul_relin_rescale" -> {
                var t3 = f.product.copy();
                var t2 = f.a.copy();
                var t1 = ev.rescale(f.a);
                yield () -> {
                    ev.mulInto(f.a, f.b, t3);
                    ev.relinearizeInto(t3, t2);
                    ev.rescaleInto(t2, t1);
                };
            }
            case "rotate_hoisted_8" -> () -> ev.rotateHoisted(f.a, BenchFixture.STEPS);
            default -> throw new IllegalArgumentException("unknown op '" + op + "'");
        };
    }

    /** A text table: op, henas us, SEAL us, ratio, per degree. */
    public static String table(Map<Integer, Map<String, Double>> results, int threads, SealAnchors seal) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("henas CKKS vs Microsoft SEAL 4.4 (SEAL: 1 thread; henas: %d thread%s), median us%n",
                threads, threads == 1 ? "" : "s"));
        for (Map.Entry<Integer, Map<String, Double>> e : results.entrySet()) {
            int logN = e.getKey();
            b.append(String.format("%nN = %d (logN %d)%n", 1 << logN, logN));
            b.append(String.format("%-18s %12s %12s %8s%n", "op", "henas", "SEAL", "ratio"));
            List<String> notes = new ArrayList<>();
            for (Map.Entry<String, Double> o : e.getValue().entrySet()) {
                double s = seal.micros(logN, o.getKey());
                String ratio = Double.isNaN(s) ? "-" : String.format("%.2f", o.getValue() / s);
                b.append(String.format("%-18s %12.1f %12s %8s%n", o.getKey(), o.getValue(),
                        Double.isNaN(s) ? "-" : String.format("%.1f", s), ratio));
            }
            Double h8 = e.getValue().get("rotate_hoisted_8");
            Double r1 = e.getValue().get("rotate_1");
            if (h8 != null && r1 != null) {
                notes.add(String.format("rotate_hoisted_8 / (8 x rotate_1) = %.2f", h8 / (8 * r1)));
            }
            notes.forEach(n -> b.append(n).append(System.lineSeparator()));
        }
        return b.toString();
    }
}
