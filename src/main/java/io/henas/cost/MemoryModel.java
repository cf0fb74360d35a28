package io.henas.cost;

import io.henas.he.HePlan;
import io.henas.he.HeParameters;

/**
 * Key and ciphertext sizes for hybrid key switching with {@code k} special primes and digits of {@code alpha} data
 * primes (SEAL's is {@code k = alpha = 1}): a key-switching key (the relinearization key or one Galois key) generated
 * up to level {@code l} has {@code ceil((l + 1) / alpha)} digits, each two polynomials over the data primes
 * {@code q_0..q_l} and the special primes; coefficients are 8-byte words in NTT form, in memory. This is exactly
 * {@code io.henas.rlwe.KeySwitchKey.byteSize} (checked by {@code MemoryModelTest} against generated keys); the
 * client generates each key only up to the level the plan needs it at ({@link HePlan#galoisKeyLevels()},
 * {@link HePlan#relinearizationKeyLevel()}).
 */
public final class MemoryModel {
    private MemoryModel() {
    }

    /** Bytes of one key-switching key for every level: {@link #keySwitchKeyBytes(HeParameters, int)} at the top. */
    public static long keySwitchKeyBytes(HeParameters p) {
        return keySwitchKeyBytes(p, p.depth());
    }

    /**
     * Bytes of one key-switching key generated up to {@code level}:
     * {@code ceil((level+1)/alpha) digits x 2 x (level+1+k) primes x N x 8}.
     *
     * @throws IllegalArgumentException if {@code level} is not in {@code [0, depth]}
     */
    public static long keySwitchKeyBytes(HeParameters p, int level) {
        if (level < 0 || level > p.depth()) {
            throw new IllegalArgumentException("key level must be in [0, " + p.depth() + "], but was " + level);
        }
        long digits = (level + p.digitSize()) / p.digitSize();
        return digits * 2 * (level + 1L + p.specialPrimes()) * (1L << p.logN()) * 8;
    }

    /** Galois key bytes with each step's key generated only up to the highest level the plan rotates by it. */
    public static long galoisKeyBytes(HePlan plan) {
        long sum = 0;
        for (int level : plan.galoisKeyLevels().values()) {
            sum += keySwitchKeyBytes(plan.parameters(), level);
        }
        return sum;
    }

    /** Relinearization key bytes up to {@link HePlan#relinearizationKeyLevel()} (0 if the plan never relinearizes). */
    public static long relinearizationKeyBytes(HePlan plan) {
        int level = plan.relinearizationKeyLevel();
        return level < 0 ? 0 : keySwitchKeyBytes(plan.parameters(), level);
    }

    /** Galois key bytes if every key covered every level: {@code steps x} {@link #keySwitchKeyBytes(HeParameters)}. */
    public static long topLevelGaloisKeyBytes(HePlan plan) {
        return plan.galoisSteps().length * keySwitchKeyBytes(plan.parameters());
    }

    /** Bytes of a ciphertext at {@code level}: {@code 2 x (level+1) x N x 8}. */
    public static long ciphertextBytes(int logN, int level) {
        return 2L * (level + 1) * (1L << logN) * 8;
    }

    /**
     * The most ciphertext bytes live at once when executing {@code plan} in order (the liveness of
     * {@link #peakLiveRegisters}): each live register counts {@code polys x (level + 1) x N x 8} bytes at its current
     * level, 3 polynomials between a MUL_CT and its relinearization, 2 otherwise. Input ciphertexts count at the top
     * level. Keys and cached plaintexts are not included.
     */
    public static long peakCiphertextBytes(HePlan plan) {
        int regs = plan.registerCount();
        boolean[] live = new boolean[regs];
        long[] size = new long[regs];
        long unit = (1L << plan.logN()) * 8;
        long n = 0;
        for (int k = 0; k < plan.inputLayout().regCount(); k++) {
            int r = plan.inputLayout().regAt(k);
            live[r] = true;
            size[r] = 2L * (plan.depth() + 1) * unit;
            n += size[r];
        }
        long peak = n;
        for (int i = 0; i < plan.instructionCount(); i++) {
            int d = plan.dst(i);
            if (d >= 0) {
                int level = plan.level(i);
                int polys = 2;
                switch (plan.op(i)) {
                    case RESCALE -> level--;
                    case DROP_LEVEL -> level -= plan.b(i);
                    case MUL_CT -> polys = 3;
                    default -> {
                    }
                }
                long s = (long) polys * (level + 1) * unit;
                n += (live[d] ? s - size[d] : s);
                live[d] = true;
                size[d] = s;
                peak = Math.max(peak, n);
            }
            for (int r : new int[]{d, plan.a(i), reads(plan, i) ? plan.b(i) : -1, plan.scaleTarget(i)}) {
                if (r >= 0 && live[r] && plan.lastUse(r) == i) {
                    live[r] = false;
                    n -= size[r];
                }
            }
        }
        return peak;
    }

    /**
     * The bytes of the distinct plaintexts a single-image run encodes and caches (one per plaintext operand and level
     * of MUL_PLAIN, MUL_PLAIN_ACC, MUL_CONST and ADD_PLAIN, {@code (level + 1) x N x 8} bytes each); an estimate, as
     * an operand used at two output scales is cached twice.
     */
    public static long plaintextBytes(HePlan plan) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long unit = (1L << plan.logN()) * 8;
        long bytes = 0;
        for (int i = 0; i < plan.instructionCount(); i++) {
            switch (plan.op(i)) {
                case MUL_PLAIN, MUL_PLAIN_ACC, MUL_CONST, ADD_PLAIN -> {
                    int level = plan.level(i);
                    if (seen.add(((long) plan.b(i) << 8) | level)) {
                        bytes += (level + 1) * unit;
                    }
                }
                default -> {
                }
            }
        }
        return bytes;
    }

    /** The most registers live at once when executing {@code plan} in order, freeing at last use. */
    public static int peakLiveRegisters(HePlan plan) {
        boolean[] live = new boolean[plan.registerCount()];
        int n = 0;
        for (int k = 0; k < plan.inputLayout().regCount(); k++) {
            live[plan.inputLayout().regAt(k)] = true;
            n++;
        }
        int peak = n;
        for (int i = 0; i < plan.instructionCount(); i++) {
            int d = plan.dst(i);
            if (d >= 0 && !live[d]) {
                live[d] = true;
                n++;
                peak = Math.max(peak, n);
            }
            for (int r : new int[]{d, plan.a(i), reads(plan, i) ? plan.b(i) : -1, plan.scaleTarget(i)}) {
                if (r >= 0 && live[r] && plan.lastUse(r) == i) {
                    live[r] = false;
                    n--;
                }
            }
        }
        return peak;
    }

    private static boolean reads(HePlan plan, int i) {
        return switch (plan.op(i)) {
            case ADD, MUL_CT -> true;
            default -> false;
        };
    }
}
