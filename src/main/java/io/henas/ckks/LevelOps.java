package io.henas.ckks;

import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.ScratchPool;

/**
 * The level and scale family of {@link Evaluator}: rescaling by the top prime, dropping primes, and bringing two
 * operands to one level and scale. Shares the evaluator's parameters, pool and threads; needs no keys.
 */
final class LevelOps {
    private final Evaluator ev;
    private final CkksParameters params;
    private final Ring ring;
    private final int n;
    private final Parallel par;
    private final ScratchPool pool;

    LevelOps(Evaluator ev) {
        this.ev = ev;
        this.params = ev.params;
        this.ring = ev.ring;
        this.n = ev.n;
        this.par = ev.par;
        this.pool = ev.pool;
    }

    /** {@code out = rescale(a)} ({@code out} may be {@code a}). */
    void rescaleInto(Ciphertext a, Ciphertext out) {
        ev.checkParams(a, "a");
        final int l = a.level();
        if (l == 0) {
            throw new IllegalArgumentException("rescale needs level >= 1, but the ciphertext is at level 0");
        }
        final long ql = params.rlwe().q(l);
        final boolean intoOut = out != a && out.size() == a.size() && out.level() == l - 1;
        final int size = a.size();
        final long[][] lasts = new long[size][];
        final long[][][] dsts = new long[size][l][];
        for (int k = 0; k < size; k++) {
            lasts[k] = pool.take();
            for (int i = 0; i < l; i++) {
                dsts[k][i] = out == a ? a.poly(k).limb(i) : intoOut ? out.poly(k).limb(i) : new long[n];
            }
        }
        par.forEach(size, k -> {
            System.arraycopy(a.poly(k).limb(l), 0, lasts[k], 0, n);
            ring.ntt(l).inverse(lasts[k]);
        });
        par.forEach(size * l, idx -> {
            int k = idx / l;
            int i = idx % l;
            long[] t = pool.take();
            ring.liftCenteredLimb(i, lasts[k], ql, t, true);
            ring.ntt(i).forward(t);
            ring.subMulConstLimb(i, a.poly(k).limb(i), t, params.rlwe().rescaleInv(l, i),
                    params.rlwe().rescaleInvShoup(l, i), dsts[k][i], true);
            pool.give(t);
        });
        RnsPoly[] res = new RnsPoly[size];
        for (int k = 0; k < size; k++) {
            res[k] = new RnsPoly(dsts[k], true);
            pool.give(lasts[k]);
        }
        out.set(a.scale() / ql, res);
    }

    /** A copy of {@code a} at the lower {@code level} (drops top primes; the scale is unchanged). */
    Ciphertext dropToLevel(Ciphertext a, int level) {
        ev.checkParams(a, "a");
        if (level < 0 || level > a.level()) {
            throw new IllegalArgumentException("target level must be in [0, " + a.level() + "], but was " + level);
        }
        // the result's limbs come from recycled memory (every coefficient is overwritten)
        RnsPoly[] p = ev.newPolys(a.size(), level + 1, false);
        for (int k = 0; k < p.length; k++) {
            RnsPoly src = a.poly(k);
            for (int i = 0; i <= level; i++) {
                System.arraycopy(src.limb(i), 0, p[k].limb(i), 0, src.limb(i).length);
            }
            p[k].setNtt(src.isNtt());
        }
        return new Ciphertext(params, a.scale(), p);
    }

    /**
     * Brings {@code a} to {@code targetScale} at the cost of one level: multiplies by the integer
     * {@code round(targetScale * q_level / a.scale)} and rescales. The resulting scale equals the target within a
     * relative {@code 2^-20} or better (exactly tracked).
     *
     * @throws IllegalArgumentException if the level is 0 or the factor would be below 2^20 (too imprecise)
     */
    Ciphertext alignScale(Ciphertext a, double targetScale) {
        ev.checkParams(a, "a");
        if (a.level() == 0) {
            throw new IllegalArgumentException("alignScale needs level >= 1, but the ciphertext is at level 0");
        }
        double ql = params.rlwe().q(a.level());
        double f = Math.rint(targetScale * ql / a.scale());
        if (f < 0x1p20) {
            throw new IllegalArgumentException("alignScale factor must be at least 2^20, but was " + f + " (target "
                    + Evaluator.formatScale(targetScale) + ", from " + Evaluator.formatScale(a.scale()) + ")");
        }
        Ciphertext out = new Ciphertext(params, a.scale(), ev.newPolys(a.size(), a.level() + 1));
        par.forEach(a.level() + 1, i -> {
            long ci = ring.roundedResidue(f, i);
            for (int k = 0; k < a.size(); k++) {
                ring.mulScalarLimb(i, a.poly(k).limb(i), ci, out.poly(k).limb(i));
            }
        });
        out.set(a.scale() * f, Evaluator.polys(out));
        Ciphertext r = ev.rescale(out);
        if (Evaluator.scalesMatch(r.scale(), targetScale)) {
            r.set(targetScale, Evaluator.polys(r));
        }
        return r;
    }

    /**
     * Returns copies of {@code a} and {@code b} with equal level and scale, ready for {@link Evaluator#add}: if the
     * scales differ, the operand with the higher level (or {@code a} if equal) is brought to the other's scale with
     * {@link #alignScale} (one level); then the higher one is dropped to the lower level.
     */
    Ciphertext[] align(Ciphertext a, Ciphertext b) {
        ev.checkParams(a, "a");
        ev.checkParams(b, "b");
        Ciphertext x = a;
        Ciphertext y = b;
        if (!Evaluator.scalesMatch(x.scale(), y.scale())) {
            if (y.level() > x.level()) {
                y = alignScale(y, x.scale());
            } else {
                x = alignScale(x, y.scale());
            }
        }
        int level = Math.min(x.level(), y.level());
        return new Ciphertext[]{dropToLevel(x, level), dropToLevel(y, level)};
    }
}
