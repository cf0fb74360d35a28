package io.henas.cost;

import io.henas.he.HeParameters;

/**
 * What a calibrated timing depends on besides the level: the ring degree and the key-switching shape, {@code k}
 * special primes and digits of {@code alpha} data primes (SEAL's key switching is {@code k = alpha = 1}). Key
 * switching (rotations, relinearization) costs differ between shapes, so a {@link Calibration} holds one set of fits
 * per shape and a timing measured for one shape is never used for another. In a cache file a SEAL shape is written
 * as its ring degree ({@code "14"}, as before hybrid key switching), another shape as {@code "14/k3/a2"}.
 *
 * @param logN          ring degree {@code N = 2^logN}
 * @param specialPrimes number of special primes {@code k >= 1}
 * @param digitSize     data primes per key-switching digit {@code alpha >= 1}
 */
public record ChainShape(int logN, int specialPrimes, int digitSize) implements Comparable<ChainShape> {
    public ChainShape {
        if (logN < 10 || logN > 17) {
            throw new IllegalArgumentException("logN must be in [10, 17], but was " + logN);
        }
        if (specialPrimes < 1 || specialPrimes > 16) {
            throw new IllegalArgumentException("special primes must be in [1, 16], but were " + specialPrimes);
        }
        if (digitSize < 1 || digitSize > 128) {
            throw new IllegalArgumentException("digit size must be in [1, 128], but was " + digitSize);
        }
    }

    /** SEAL's key switching at {@code logN}: one special prime, one data prime per digit. */
    public static ChainShape seal(int logN) {
        return new ChainShape(logN, 1, 1);
    }

    /** The shape of chosen parameters. */
    public static ChainShape of(HeParameters p) {
        return new ChainShape(p.logN(), p.specialPrimes(), p.digitSize());
    }

    /** Whether this is SEAL's {@code k = alpha = 1}. */
    public boolean isSeal() {
        return specialPrimes == 1 && digitSize == 1;
    }

    /** The cache-file key: {@code "14"} for SEAL's shape, {@code "14/k3/a2"} otherwise. */
    public String key() {
        return isSeal() ? Integer.toString(logN) : logN + "/k" + specialPrimes + "/a" + digitSize;
    }

    /**
     * Reads {@link #key()}'s form.
     *
     * @throws IllegalArgumentException if {@code s} is neither {@code "N"} nor {@code "N/kK/aA"}
     */
    public static ChainShape parse(String s) {
        String[] parts = s.split("/", -1);
        try {
            if (parts.length == 1) {
                return seal(Integer.parseInt(parts[0]));
            }
            if (parts.length == 3 && parts[1].startsWith("k") && parts[2].startsWith("a")) {
                return new ChainShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1].substring(1)),
                        Integer.parseInt(parts[2].substring(1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("a chain shape must be 'logN' or 'logN/kK/aA' (e.g. 14/k3/a2), but was '"
                + s + "'");
    }

    private static final java.util.Comparator<ChainShape> ORDER = java.util.Comparator.comparingInt(ChainShape::logN)
            .thenComparingInt(ChainShape::specialPrimes).thenComparingInt(ChainShape::digitSize);

    @Override
    public int compareTo(ChainShape o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return key();
    }
}
