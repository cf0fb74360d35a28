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

    /** The public key {@code (-a*s + e, a)} over the data primes and the special prime. */
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

    /** The relinearization key (a key switch from {@code s^2} to {@code s}). */
    public RelinKey relinKey(SecretKey sk) {
        check(sk);
        RnsPoly s2 = ring.newPoly(ring.size(), true);
        for (int i = 0; i < ring.size(); i++) {
            ring.mulLimb(i, sk.poly().limb(i), sk.poly().limb(i), s2.limb(i));
        }
        return new RelinKey(keySwitchKey(sk, s2));
    }

    /** The Galois key for element {@code g}: a key switch from {@code sigma_g(s)} to {@code s}. */
    public KeySwitchKey galoisKey(SecretKey sk, long g) {
        check(sk);
        int[] perm = Automorphism.nttPermutation(params.logN(), g);
        RnsPoly sg = ring.newPoly(ring.size(), true);
        for (int i = 0; i < ring.size(); i++) {
            Automorphism.permute(sk.poly().limb(i), perm, sg.limb(i));
        }
        return keySwitchKey(sk, sg);
    }

    /**
     * Galois keys for left rotations by each of {@code steps} (any sign; duplicates and multiples of N/2 are
     * skipped) and, if {@code conjugation}, for complex conjugation.
     */
    public GaloisKeys galoisKeys(SecretKey sk, int[] steps, boolean conjugation) {
        Map<Long, KeySwitchKey> keys = new LinkedHashMap<>();
        for (int k : steps) {
            long g = Automorphism.rotationElement(params.logN(), k);
            if (g != 1 && !keys.containsKey(g)) {
                keys.put(g, galoisKey(sk, g));
            }
        }
        if (conjugation) {
            long g = Automorphism.conjugationElement(params.logN());
            keys.put(g, galoisKey(sk, g));
        }
        return new GaloisKeys(keys);
    }

    /** Public, relinearization and Galois keys in one server-side bundle. */
    public EvaluationKeys evaluationKeys(SecretKey sk, int[] steps, boolean conjugation) {
        return new EvaluationKeys(publicKey(sk), relinKey(sk), galoisKeys(sk, steps, conjugation));
    }

    /** A key switch from {@code sPrime} (NTT form over all L + 2 primes) to {@code sk}. */
    KeySwitchKey keySwitchKey(SecretKey sk, RnsPoly sPrime) {
        int digits = params.maxLevel() + 1;
        int limbs = ring.size();
        int n = params.n();
        RnsPoly[] b = new RnsPoly[digits];
        RnsPoly[] a = new RnsPoly[digits];
        long[] t = new long[n];
        for (int j = 0; j < digits; j++) {
            a[j] = uniform(limbs);
            b[j] = error(limbs);
            for (int i = 0; i < limbs; i++) {
                ring.mulLimb(i, a[j].limb(i), sk.poly().limb(i), t);
                ring.subLimb(i, b[j].limb(i), t, b[j].limb(i));
            }
            // + P * s' on limb j only (P * delta_j is P mod q_j there and 0 elsewhere, including mod P)
            Modulus qj = ring.modulus(j);
            ring.mulScalarLimb(j, sPrime.limb(j), params.pModQ(j), t);
            ring.addLimb(j, b[j].limb(j), t, b[j].limb(j));
            assert qj.value() == params.q(j);
        }
        return new KeySwitchKey(params, b, a);
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
