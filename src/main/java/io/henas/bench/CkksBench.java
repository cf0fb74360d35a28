package io.henas.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import io.henas.ckks.CkksParameters;
import io.henas.ckks.Ciphertext;
import io.henas.ring.Modulus;
import io.henas.ring.NttTables;
import io.henas.ring.Primes;
import io.henas.rlwe.Security;

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
     * SEAL's default chain for {@code logN} in [13, 15] ({@code CoeffModulus::BFVDefault(N)} bit sizes: the last
     * prime special, the others data primes) at scale 2^40, as timed by the {@code seal-ops} harness.
     *
     * @throws IllegalArgumentException for other logN
     */
    public static CkksParameters sealDefault(int logN) {
        int[] bits = switch (logN) {
            case 13 -> new int[]{43, 43, 44, 44, 44};
            case 14 -> new int[]{48, 48, 48, 49, 49, 49, 49, 49, 49};
            case 15 -> new int[]{55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 56};
            default -> throw new IllegalArgumentException("logN must be one of 13, 14, 15, but was " + logN);
        };
        // the primes of CkksPresets.N1x_SEAL_DEFAULT; the harness encodes at 2^40 on every degree
        return CkksParameters.of(CkksParameters.Literal.fromBits(logN, 40, Security.HE_STANDARD_128, bits));
    }

    /** Runs the suite once for one degree (keys, then every op); {@code progress} receives one line per op. */
    public static Map<String, Double> run(int logN, int threads, int samples, Consumer<String> progress) {
        return run(logN, threads, samples, Timing.Clock.WALL, progress);
    }

    /**
     * Runs the suite once for one degree on the given clock ({@link Timing.Clock#CPU} requires one thread).
     *
     * @throws IllegalArgumentException for CPU time with more than one thread
     */
    public static Map<String, Double> run(int logN, int threads, int samples, Timing.Clock clock,
                                          Consumer<String> progress) {
        return run(logN, threads, samples, clock, OPS, progress);
    }

    /**
     * Runs the given subset of {@link #OPS} once for one degree.
     *
     * @throws IllegalArgumentException for an unknown op, or CPU time with more than one thread
     */
    public static Map<String, Double> run(int logN, int threads, int samples, Timing.Clock clock, List<String> ops,
                                          Consumer<String> progress) {
        try (Suite s = new Suite(logN, threads, ops, clock, progress)) {
            return s.measure(samples);
        }
    }

    /**
     * The suite at one degree with its keys generated once, so that rounds can alternate with SEAL's harness. Close
     * to stop the evaluator's pool.
     */
    public static final class Suite implements AutoCloseable {
        private final int logN;
        private final List<String> ops;
        private final Timing.Clock clock;
        private final Consumer<String> progress;
        private final BenchFixture fixture;
        private final Map<String, Timed> timed = new LinkedHashMap<>();

        /**
         * Generates the keys the ops need (relinearization; Galois keys for step 1, or 1..8 with
         * {@code rotate_hoisted_8}) and the operands at the top data level.
         *
         * @throws IllegalArgumentException for an unknown op, or CPU time with more than one thread
         */
        public Suite(int logN, int threads, List<String> ops, Timing.Clock clock, Consumer<String> progress) {
            for (String op : ops) {
                if (!OPS.contains(op)) {
                    throw new IllegalArgumentException("op must be one of " + OPS + ", but was '" + op + "'");
                }
            }
            if (clock == Timing.Clock.CPU && threads != 1) {
                throw new IllegalArgumentException("CPU-time measurement needs --threads 1, but threads was "
                        + threads);
            }
            this.logN = logN;
            this.ops = List.copyOf(ops);
            this.clock = clock;
            this.progress = progress;
            CkksParameters p = sealDefault(logN);
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            if (load >= 1) {
                progress.accept(String.format("note: load average %.2f before logN %d: timings are inflated%s", load,
                        logN, threads > 1 ? " (while another session keeps the cores busy, the scheduler gives this"
                                + " one about one core in all, so threads gain little)" : ""));
            }
            progress.accept("logN " + logN + ": key generation (" + p + ")");
            int[] steps = ops.contains("rotate_hoisted_8") ? BenchFixture.STEPS : new int[]{1};
            BenchFixture.Keys keys = new BenchFixture.Keys(p, threads, steps, false);
            try {
                this.fixture = new BenchFixture(keys, p.maxLevel(), true);
            } catch (RuntimeException e) {
                keys.close();
                throw e;
            }
        }

        /** Times every op once more ({@code samples} timed runs after the warm-up), in microseconds. */
        public Map<String, Double> measure(int samples) {
            Map<String, Double> out = new LinkedHashMap<>();
            for (String op : ops) {
                Timed t = timed.computeIfAbsent(op, o -> inPlace(fixture, o));
                double us = Timing.medianMicros(t.prep(), t.op(), 5, 500, samples, clock);
                out.put(op, us);
                progress.accept(String.format("logN %d  %-18s %12.1f us", logN, op, us));
            }
            return out;
        }

        @Override
        public void close() {
            fixture.close();
        }
    }

    /** An operation to time and the untimed preparation run before each run of it. */
    public record Timed(Runnable prep, Runnable op) {
    }

    /**
     * The op with the semantics of SEAL's harness ({@code *_inplace} calls): operations that SEAL performs in place
     * run on a working ciphertext reset (untimed) from a fresh operand before each run; the others as
     * {@link #operation}.
     */
    static Timed inPlace(BenchFixture f, String op) {
        var ev = f.evaluator;
        Ciphertext[] w = {f.a.copy()};
        Runnable nop = () -> { };
        Runnable resetA = () -> w[0] = f.a.copy();
        return switch (op) {
            case "add" -> new Timed(nop, () -> ev.addInto(w[0], f.b, w[0]));
            case "mul_ct_ct" -> new Timed(resetA, () -> ev.mulInto(w[0], f.b, w[0]));
            case "mul_plain" -> new Timed(resetA, () -> ev.mulPlainInto(w[0], f.pt, w[0]));
            case "square" -> new Timed(resetA, () -> ev.squareInto(w[0], w[0]));
            case "relinearize" -> new Timed(() -> w[0] = f.product.copy(), () -> ev.relinearizeInto(w[0], w[0]));
            case "rescale" -> {
                // like SEAL: a relinearized product at scale^2
                Ciphertext relined = ev.relinearize(f.product);
                yield new Timed(() -> w[0] = relined.copy(), () -> ev.rescaleInto(w[0], w[0]));
            }
            case "rotate_1" -> new Timed(resetA, () -> ev.rotateInto(w[0], 1, w[0]));
            case "mul_relin_rescale" -> new Timed(resetA, () -> {
                ev.mulInto(w[0], f.b, w[0]);
                ev.relinearizeInto(w[0], w[0]);
                ev.rescaleInto(w[0], w[0]);
            });
            default -> new Timed(nop, operation(f, op));
        };
    }

    /**
     * The runnable that performs one benchmark op on the fixture's operands, writing results into preallocated
     * ciphertexts (the {@code ...Into} variants, out of place), as the cost-model calibration times them.
     */
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
}
