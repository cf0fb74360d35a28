package io.henas.ring;

/**
 * Fast RNS basis extension from a contiguous run of a {@link Ring}'s primes {@code S = m_s0 .. m_(s1-1)} (product
 * {@code M}) to any other prime of the ring, coefficient-wise, without big integers:
 * {@code x = sum_s [x_s * (M/m_s)^{-1}]_{m_s} * (M/m_s) - v*M}.
 *
 * <ul>
 *   <li>{@link #extend} drops the {@code v*M} term (approximate: the result is {@code x + u*M} with
 *   {@code 0 <= u < |S|});</li>
 *   <li>{@link #overflow} computes {@code v} in floating point so that {@link #extendCentered} gives the residue of
 *   the centered representative of {@code x} in {@code (-M/2, M/2]} (exact unless the value is within about
 *   {@code |S| * 2^-50 * M} of {@code +-M/2}): the ModUp of hybrid key switching (digits lifted with zero mean)
 *   and its ModDown by the special primes.</li>
 * </ul>
 *
 * Inputs are first {@link #prepare prepared} (multiplied by {@code (M/m_s)^{-1}}). Products use Shoup
 * multiplication by the fixed constants and lazy sums; reductions are branch-free.
 * Immutable and thread-safe.
 */
public final class BasisExtension {
    private final Ring ring;
    private final int s0;
    private final int s1;
    /** (M/m_s)^{-1} mod m_s and its Shoup quotient, by s - s0. */
    private final long[] hatInv;
    private final long[] hatInvShoup;
    /** hatMod[t][s - s0] = (M/m_s) mod m_t for every ring prime t (0 for t inside S). */
    private final long[][] hatMod;
    private final long[][] hatModShoup;
    /** mMod[t][v] = v*M mod m_t for v in [0, |S|]. */
    private final long[][] mMod;
    private final double[] inverseSource;

    /**
     * @param ring the ring
     * @param s0   first source prime (ring index)
     * @param s1   one past the last source prime
     */
    public BasisExtension(Ring ring, int s0, int s1) {
        if (s0 < 0 || s1 > ring.size() || s0 >= s1) {
            throw new IllegalArgumentException("source primes must be a non-empty range in [0, " + ring.size()
                    + "), but were [" + s0 + ", " + s1 + ")");
        }
        this.ring = ring;
        this.s0 = s0;
        this.s1 = s1;
        int size = s1 - s0;
        hatInv = new long[size];
        hatInvShoup = new long[size];
        inverseSource = new double[size];
        for (int s = s0; s < s1; s++) {
            Modulus ms = ring.modulus(s);
            long h = 1;
            for (int o = s0; o < s1; o++) {
                if (o != s) {
                    h = ms.mul(h, ms.reduce(ring.modulus(o).value()));
                }
            }
            hatInv[s - s0] = ms.inv(h);
            hatInvShoup[s - s0] = ms.shoup(hatInv[s - s0]);
            inverseSource[s - s0] = 1.0 / ms.value();
        }
        hatMod = new long[ring.size()][size];
        hatModShoup = new long[ring.size()][size];
        mMod = new long[ring.size()][size + 1];
        for (int t = 0; t < ring.size(); t++) {
            if (t >= s0 && t < s1) {
                continue;
            }
            Modulus mt = ring.modulus(t);
            long all = 1;
            for (int o = s0; o < s1; o++) {
                all = mt.mul(all, mt.reduce(ring.modulus(o).value()));
            }
            for (int s = s0; s < s1; s++) {
                long h = 1;
                for (int o = s0; o < s1; o++) {
                    if (o != s) {
                        h = mt.mul(h, mt.reduce(ring.modulus(o).value()));
                    }
                }
                hatMod[t][s - s0] = h;
                hatModShoup[t][s - s0] = mt.shoup(h);
            }
            for (int v = 0; v <= size; v++) {
                mMod[t][v] = mt.mul(v, all);
            }
        }
    }

    /** Number of source primes. */
    public int size() {
        return s1 - s0;
    }

    /** First source prime (ring index). */
    public int first() {
        return s0;
    }

    /**
     * {@code out = x * (M/m_s)^{-1} mod m_s} for the coefficient-form limb {@code x} modulo source prime {@code s}
     * (ring index; {@code out} may be {@code x}). A copy if the source is one prime.
     */
    public void prepare(int s, long[] x, long[] out) {
        int n = x.length;
        if (s1 - s0 == 1) {
            if (out != x) {
                System.arraycopy(x, 0, out, 0, n);
            }
            return;
        }
        Modulus m = ring.modulus(s);
        long w = hatInv[s - s0];
        long ws = hatInvShoup[s - s0];
        long q = m.value();
        for (int k = 0; k < n; k++) {
            out[k] = Modulus.csub(m.mulShoupLazy(x[k], w, ws), q);
        }
    }

    /**
     * Approximate extension of coefficients {@code [from, to)} to ring prime {@code t} (outside the source):
     * {@code out = sum_s y[s] * (M/m_s) mod m_t}, where {@code y[i]} is the {@link #prepare prepared} limb of source
     * prime {@code s0 + i}.
     */
    public void extend(long[][] y, int t, long[] out, int from, int to) {
        Modulus mt = ring.modulus(t);
        int size = s1 - s0;
        if (size == 1) {
            long[] x = y[0];
            if (ring.modulus(s0).value() < mt.value()) {
                System.arraycopy(x, from, out, from, to - from);
            } else {
                for (int k = from; k < to; k++) {
                    out[k] = mt.reduce(x[k]);
                }
            }
            return;
        }
        // Shoup products with the fixed (M/m_s) mod m_t: each in [0, 2 m_t) for any input, summed lazily in [0, 2 m_t)
        long[] h = hatMod[t];
        long[] hs = hatModShoup[t];
        long q = mt.value();
        long twoQ = q << 1;
        if (size == 2) {
            long[] y0 = y[0];
            long[] y1 = y[1];
            long h0 = h[0];
            long h1 = h[1];
            long hs0 = hs[0];
            long hs1 = hs[1];
            for (int k = from; k < to; k++) {
                long a = y0[k];
                long b = y1[k];
                long acc = a * h0 - Math.unsignedMultiplyHigh(a, hs0) * q
                        + b * h1 - Math.unsignedMultiplyHigh(b, hs1) * q;
                out[k] = Modulus.csub(Modulus.csub(acc, twoQ), q);
            }
            return;
        }
        for (int k = from; k < to; k++) {
            long acc = 0;
            for (int s = 0; s < size; s++) {
                long a = y[s][k];
                acc = Modulus.csub(acc + a * h[s] - Math.unsignedMultiplyHigh(a, hs[s]) * q, twoQ);
            }
            out[k] = Modulus.csub(acc, q);
        }
    }

    /**
     * The overflow counts {@code v[k] = round(sum_s y[s][k] / m_s)} in {@code [0, |S|]} of prepared source limbs,
     * for {@link #extendCentered}.
     */
    public void overflow(long[][] y, long[] v, int from, int to) {
        int size = s1 - s0;
        for (int k = from; k < to; k++) {
            double f = 0.5;
            for (int s = 0; s < size; s++) {
                f += y[s][k] * inverseSource[s];
            }
            v[k] = (long) f;
        }
    }

    /**
     * Exact extension of the centered value: {@code out = (sum_s y[s] * (M/m_s) - v*M) mod m_t} for coefficients
     * {@code [from, to)}, with {@code v} from {@link #overflow}. With one source prime {@code v} may be null: the
     * centring is then a comparison ({@code x - m_s} for {@code x > m_s/2}).
     */
    public void extendCentered(long[][] y, long[] v, int t, long[] out, int from, int to) {
        if (v == null) {
            if (s1 - s0 != 1) {
                throw new IllegalArgumentException("overflow counts are needed for " + (s1 - s0) + " source primes");
            }
            Modulus mt = ring.modulus(t);
            long ms = ring.modulus(s0).value();
            long half = ms >>> 1;
            long q = mt.value();
            long[] x = y[0];
            if (ms < 2 * q) {
                // primes of a chain: additions, shifts and masks, which the JIT compiles to vector code;
                // x > ms/2 gives x - ms + q in (q - ms/2, q), and x <= ms/2 < q
                long shift = q - ms;
                for (int k = from; k < to; k++) {
                    long a = x[k];
                    out[k] = a + (((half - a) >> 63) & shift);
                }
                return;
            }
            long msMod = mMod[t][1];
            for (int k = from; k < to; k++) {
                long a = x[k];
                out[k] = Modulus.cadd(mt.reduce(a) - (msMod & ((half - a) >> 63)), q);
            }
            return;
        }
        extend(y, t, out, from, to);
        long[] vm = mMod[t];
        long q = ring.modulus(t).value();
        for (int k = from; k < to; k++) {
            out[k] = Modulus.cadd(out[k] - vm[(int) v[k]], q);
        }
    }
}
