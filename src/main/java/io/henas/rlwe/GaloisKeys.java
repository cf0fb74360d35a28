package io.henas.rlwe;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Galois keys: for each Galois element {@code g}, a key switch from {@code sigma_g(s)} to {@code s}. Rotation by
 * {@code k} slots uses {@code g = 5^k mod 2N}; conjugation uses {@code 2N - 1} (see
 * {@link io.henas.ring.Automorphism}). Immutable map.
 */
public final class GaloisKeys {
    private final Map<Long, KeySwitchKey> keys;

    /** @param keys by Galois element (copied) */
    public GaloisKeys(Map<Long, KeySwitchKey> keys) {
        for (Map.Entry<Long, KeySwitchKey> e : keys.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("Galois keys must not contain nulls");
            }
        }
        this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
    }

    /** No keys. */
    public static GaloisKeys empty() {
        return new GaloisKeys(Map.of());
    }

    /** The key for Galois element {@code g}, or null. */
    public KeySwitchKey get(long g) {
        return keys.get(g);
    }

    /** True if a key for {@code g} exists. */
    public boolean has(long g) {
        return keys.containsKey(g);
    }

    /** The Galois elements present, ascending. */
    public NavigableSet<Long> elements() {
        return Collections.unmodifiableNavigableSet(new TreeSet<>(keys.keySet()));
    }

    /** All keys by element (unmodifiable). */
    public Map<Long, KeySwitchKey> asMap() {
        return keys;
    }
}
