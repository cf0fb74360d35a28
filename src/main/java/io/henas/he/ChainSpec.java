package io.henas.he;

import java.util.List;
import java.util.Map;

/**
 * A modulus chain fixed by a {@link ParameterSelector} run, so that a plan can be recompiled with exactly the same
 * parameters later (an exported model stores it in its compile options). The depth is not part of it: the data
 * primes are {@code q0} of {@code firstPrimeBits} followed by {@code depth} primes of {@code scaleBits}.
 *
 * @param scaleBits        {@code log2} of the scale and the size of {@code q1..qDepth}
 * @param firstPrimeBits   size of {@code q0}
 * @param specialPrimeBits sizes of the special primes {@code P = p_0 * .. * p_(k-1)} (k &gt;= 1)
 * @param digitSize        data primes per key-switching digit (alpha)
 * @param precision        the precision report the chain was selected with (kept for reports; not re-derived)
 */
public record ChainSpec(int scaleBits, int firstPrimeBits, List<Integer> specialPrimeBits, int digitSize,
                        PrecisionReport precision) {
    public ChainSpec {
        specialPrimeBits = List.copyOf(specialPrimeBits);
        if (scaleBits < ParameterSelector.MIN_SCALE_BITS || scaleBits > ParameterSelector.MAX_PRIME_BITS) {
            throw new IllegalArgumentException("scaleBits must be in [" + ParameterSelector.MIN_SCALE_BITS + ", "
                    + ParameterSelector.MAX_PRIME_BITS + "], but was " + scaleBits);
        }
        if (firstPrimeBits < scaleBits || firstPrimeBits > ParameterSelector.MAX_PRIME_BITS) {
            throw new IllegalArgumentException("firstPrimeBits must be in [scaleBits = " + scaleBits + ", "
                    + ParameterSelector.MAX_PRIME_BITS + "], but was " + firstPrimeBits);
        }
        if (specialPrimeBits.isEmpty()) {
            throw new IllegalArgumentException("specialPrimeBits must hold at least one prime, but was empty");
        }
        for (int b : specialPrimeBits) {
            if (b < ParameterSelector.MIN_SCALE_BITS || b > ParameterSelector.MAX_PRIME_BITS) {
                throw new IllegalArgumentException("specialPrimeBits must be in [" + ParameterSelector.MIN_SCALE_BITS
                        + ", " + ParameterSelector.MAX_PRIME_BITS + "], but were " + specialPrimeBits);
            }
        }
        if (digitSize < 1) {
            throw new IllegalArgumentException("digitSize must be >= 1, but was " + digitSize);
        }
    }

    /** JSON form; {@link #fromJson} reads it back. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("scale_bits", scaleBits);
        m.put("first_prime_bits", firstPrimeBits);
        m.put("special_prime_bits", specialPrimeBits);
        m.put("digit_size", digitSize);
        m.put("precision", precision == null ? null : precision.toJson());
        return m;
    }

    /**
     * Reads {@link #toJson()}'s form.
     *
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    @SuppressWarnings("unchecked")
    public static ChainSpec fromJson(Map<String, Object> m) {
        if (!(m.get("special_prime_bits") instanceof List<?> l)) {
            throw new IllegalArgumentException("chain: special_prime_bits must be a list, but was "
                    + m.get("special_prime_bits"));
        }
        List<Integer> sp = new java.util.ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Number n) || n.doubleValue() != n.intValue()) {
                throw new IllegalArgumentException("chain: special_prime_bits must hold integers, but was " + l);
            }
            sp.add(n.intValue());
        }
        PrecisionReport p = m.get("precision") instanceof Map<?, ?> pm
                ? PrecisionReport.fromJson((Map<String, Object>) pm) : null;
        return new ChainSpec(CompileOptions.intOf(m, "scale_bits"), CompileOptions.intOf(m, "first_prime_bits"), sp,
                CompileOptions.intOf(m, "digit_size"), p);
    }
}
