package io.henas.cost;

import io.henas.he.HePlan;
import io.henas.he.HeParameters;

/**
 * Key and ciphertext sizes for hybrid key switching with {@code k} special primes and digits of {@code alpha} data
 * primes (SEAL's is {@code k = alpha = 1}): a key-switching key (the relinearization key or one Galois key) has one
 * entry per digit, each two polynomials over all data primes plus the special primes; coefficients are stored as
 * 8-byte words in NTT form.
 */
public final class MemoryModel {
    private MemoryModel() {
    }

    /** Bytes of one key-switching key: {@code digits x 2 x (L+1+k) primes x N x 8}. */
    public static long keySwitchKeyBytes(HeParameters p) {
        long n = 1L << p.logN();
        long data = p.dataPrimes();
        return (long) p.digits() * 2 * (data + p.specialPrimes()) * n * 8;
    }

    /**
     * Bytes of one key-switching key generated only up to {@code level} (SEAL-style, one digit per data prime):
     * {@code (level+1) digits x 2 x (level+2) primes x N x 8}; equals {@link #keySwitchKeyBytes} at the top level.
     *
     * <p>ESTIMATE, to be replaced: the leveled keys of {@code io.henas.rlwe} (helper "hks", hybrid key switching with
     * several special primes and digits over groups of primes) define the exact size; the lead should switch this to
     * that function when merging.
     */
    public static long leveledKeySwitchKeyBytes(int logN, int level) {
        long primes = level + 1L;
        return primes * 2 * (primes + 1) * (1L << logN) * 8;
    }

    /**
     * Galois key bytes when each step's key is generated only up to the highest level the plan rotates by it
     * ({@link HePlan#galoisKeyLevels()}). ESTIMATE: see {@link #leveledKeySwitchKeyBytes}.
     */
    public static long leveledGaloisKeyBytes(HePlan plan) {
        long sum = 0;
        for (int level : plan.galoisKeyLevels().values()) {
            sum += leveledKeySwitchKeyBytes(plan.logN(), level);
        }
        return sum;
    }

    /** Relinearization key bytes up to {@link HePlan#relinearizationKeyLevel()}. ESTIMATE: see above. */
    public static long leveledRelinearizationKeyBytes(HePlan plan) {
        int level = plan.relinearizationKeyLevel();
        return level < 0 ? 0 : leveledKeySwitchKeyBytes(plan.logN(), level);
    }

    /** Galois key bytes with every key at the top level: {@code steps x} {@link #keySwitchKeyBytes}. */
    public static long galoisKeyBytes(HePlan plan) {
        return plan.galoisSteps().length * keySwitchKeyBytes(plan.parameters());
    }

    /** Bytes of a ciphertext at {@code level}: {@code 2 x (level+1) x N x 8}. */
    public static long ciphertextBytes(int logN, int level) {
        return 2L * (level + 1) * (1L << logN) * 8;
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
