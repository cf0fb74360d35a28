package io.henas.rlwe;

import java.util.LinkedHashMap;
import java.util.Map;

import io.henas.ring.Automorphism;
import io.henas.ring.Modulus;
import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.Sampler;

/**
 * Generates keys: a uniform ternary secret, the public key, the relinearization key and Galois keys, with errors
 * from the rounded Gaussian (sigma 3.2) and uniform polynomials, all drawn from the {@link Sampler}'s CSPRNG.
 * Not thread-safe.
 */
public final class KeyGenerator {
    private final RlweParameters params;
    private final Ring ring;
    private final Sampler sampler;

    /** @param sampler a CSPRNG-backed sampler */
    public KeyGenerator(RlweParameters params, Sampler sampler) {
        this.params = params;
        this.ring = params.ring();
        this.sampler = sampler;
    }

    /** A fresh uniform ternary secret key. */
    public SecretKey secretKey() {
        RnsPoly s = ring.newPoly(ring.size(), false);
        ring.setSmall(sampler.ternary(params.n()), s);
        ring.toNtt(s, Parallel.SEQUENTIAL);
        return new SecretKey(params, s);
    }

    /** The public key {@code (-a*s + e, a)} over the data primes and the special primes. */
    public PublicKey publicKey(SecretKey sk) {
        check(sk);
        int limbs = ring.size();
        RnsPoly a = uniform(limbs);
        RnsPoly b = error(limbs);
        for (int i = 0; i < limbs; i++) {
            long[] t = new long[params.n()];
            ring.mulLimb(i, a.limb(i), sk.poly().limb(i), t);
            ring.subLimb(i, b.limb(i), t, b.limb(i));
        }
        return new PublicKey(params, b, a);
    }

    /** The relinearization key (a key switch from {@code s^2} to {@code s}) for every level. */
    public RelinKey relinKey(SecretKey sk) {
        return relinKey(sk, params.maxLevel());
    }

    /**
     * The relinearization key for ciphertexts at levels up to {@code maxLevel} only (smaller: see
     * {@link KeySwitchKey#byteSize}).
     */
    public RelinKey relinKey(SecretKey sk, int maxLevel) {
        check(sk);
        checkLevel(maxLevel);
        RnsPoly s2 = ring.newPoly(ring.size(), true);
        for (int i = 0; i < ring.size(); i++) {
            ring.mulLimb(i, sk.poly().limb(i), sk.poly().limb(i), s2.limb(i));
        }
        return new RelinKey(keySwitchKey(sk, s2, maxLevel));
    }

    /** The Galois key for element {@code g}: a key switch from {@code sigma_g(s)} to {@code s}, every level. */
    public KeySwitchKey galoisKey(SecretKey sk, long g) {
        return galoisKey(sk, g, params.maxLevel());
    }

    /** The Galois key for element {@code g} for ciphertexts at levels up to {@code maxLevel}. */
    public KeySwitchKey galoisKey(SecretKey sk, long g, int maxLevel) {
        check(sk);
        checkLevel(maxLevel);
        int[] perm = Automorphism.nttPermutation(params.logN(), g);
        RnsPoly sg = ring.newPoly(ring.size(), true);
        for (int i = 0; i < ring.size(); i++) {
            Automorphism.permute(sk.poly().limb(i), perm, sg.limb(i));
        }
        return keySwitchKey(sk, sg, maxLevel);
    }

    /**
     * Galois keys for left rotations by each of {@code steps} (any sign; duplicates and multiples of N/2 are
     * skipped) and, if {@code conjugation}, for complex conjugation, every level.
     */
    public GaloisKeys galoisKeys(SecretKey sk, int[] steps, boolean conjugation) {
        Map<Integer, Integer> levels = new LinkedHashMap<>();
        for (int k : steps) {
            levels.putIfAbsent(k, params.maxLevel());
        }
        return galoisKeys(sk, levels, conjugation ? params.maxLevel() : -1);
    }

    /**
     * Galois keys restricted to levels: for each rotation step (any sign), a key for ciphertexts up to its level
     * (steps with the same Galois element get one key at the highest of their levels); and a conjugation key up to
     * {@code conjugationLevel}, or none if it is negative.
     */
    public GaloisKeys galoisKeys(SecretKey sk, Map<Integer, Integer> maxLevelByStep, int conjugationLevel) {
        Map<Long, Integer> byElement = new LinkedHashMap<>();
        for (Map.Entry<Integer, Integer> e : maxLevelByStep.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("rotation steps and levels must not be null, but got " + e);
            }
            checkLevel(e.getValue());
            long g = Automorphism.rotationElement(params.logN(), e.getKey());
            if (g != 1) {
                byElement.merge(g, e.getValue(), Math::max);
            }
        }
        if (conjugationLevel >= 0) {
            checkLevel(conjugationLevel);
            byElement.merge(Automorphism.conjugationElement(params.logN()), conjugationLevel, Math::max);
        }
        Map<Long, KeySwitchKey> keys = new LinkedHashMap<>();
        byElement.forEach((g, level) -> keys.put(g, galoisKey(sk, g, level)));
        return new GaloisKeys(keys);
    }

    /** Public, relinearization and Galois keys (every level) in one server-side bundle. */
    public EvaluationKeys evaluationKeys(SecretKey sk, int[] steps, boolean conjugation) {
        return new EvaluationKeys(publicKey(sk), relinKey(sk), galoisKeys(sk, steps, conjugation));
    }

    private void checkLevel(int level) {
        if (level < 0 || level > params.maxLevel()) {
            throw new IllegalArgumentException("key level must be in [0, " + params.maxLevel() + "], but was "
                    + level);
        }
    }

    /** A key switch from {@code sPrime} (NTT form over all primes) to {@code sk}, for levels up to {@code level}. */
    KeySwitchKey keySwitchKey(SecretKey sk, RnsPoly sPrime, int level) {
        int digits = params.digitCount(level);
        int alpha = params.digitSize();
        int limbs = level + 1 + params.specialPrimeCount();
        int[] ringIndex = new int[limbs];
        for (int i = 0; i < limbs; i++) {
            ringIndex[i] = i <= level ? i : params.pIndex() + (i - level - 1);
        }
        int n = params.n();
        RnsPoly[] b = new RnsPoly[digits];
        RnsPoly[] a = new RnsPoly[digits];
        long[] t = new long[n];
        for (int j = 0; j < digits; j++) {
            a[j] = new RnsPoly(n, limbs, true);
            for (int i = 0; i < limbs; i++) {
                sampler.uniform(ring.modulus(ringIndex[i]), a[j].limb(i));
            }
            b[j] = new RnsPoly(n, limbs, true);
            int[] e = sampler.gaussian(n);
            for (int i = 0; i < limbs; i++) {
                int mi = ringIndex[i];
                long q = ring.modulus(mi).value();
                long[] bi = b[j].limb(i);
                for (int c = 0; c < n; c++) {
                    bi[c] = Modulus.cadd(e[c], q);
                }
                ring.ntt(mi).forward(bi);
                ring.mulLimb(mi, a[j].limb(i), sk.poly().limb(mi), t);
                ring.subLimb(mi, bi, t, bi);
            }
            // + P * s' on the digit's data limbs only (the gadget is 1 there, 0 on the other data primes, and
            // P = 0 modulo the special primes)
            for (int i = j * alpha; i < Math.min((j + 1) * alpha, level + 1); i++) {
                ring.mulScalarLimb(i, sPrime.limb(i), params.pModQ(i), t);
                ring.addLimb(i, b[j].limb(i), t, b[j].limb(i));
            }
        }
        return new KeySwitchKey(params, level, b, a);
    }

    private RnsPoly uniform(int limbs) {
        RnsPoly a = ring.newPoly(limbs, true);
        for (int i = 0; i < limbs; i++) {
            sampler.uniform(ring.modulus(i), a.limb(i));
        }
        return a;
    }

    private RnsPoly error(int limbs) {
        RnsPoly e = ring.newPoly(limbs, false);
        ring.setSmall(sampler.gaussian(params.n()), e);
        ring.toNtt(e, Parallel.SEQUENTIAL);
        return e;
    }

    private void check(SecretKey sk) {
        if (!sk.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: generator=" + params.id() + ", key="
                    + sk.params().id());
        }
    }
}
