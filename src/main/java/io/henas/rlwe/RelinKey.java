package io.henas.rlwe;

/**
 * The relinearization key: a key switch from {@code s^2} to {@code s}.
 *
 * @param key the key-switching key
 */
public record RelinKey(KeySwitchKey key) {
    /** Validates. */
    public RelinKey {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
    }
}
