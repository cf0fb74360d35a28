package io.henas.he;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Encoder;
import io.henas.ckks.Evaluator;
import io.henas.ckks.Plaintext;

/**
 * Executes a plan on CKKS ciphertexts with henas' evaluator, following {@link OpCode}'s scale discipline: each
 * product's plaintext (or constant) is encoded, when used, at {@code q_level * target / inputScale}, bias-like
 * plaintexts at the register's scale. Needs only the evaluator (public evaluation keys) and the bound weights: no
 * secret key. Use with {@link PlanRunner#run}; it performs exactly the counted operations plus one encoding per
 * {@link OpKind#ENCODE}.
 */
public final class CkksBackend implements PlanBackend<Ciphertext> {
    private final CkksParameters params;
    private final Evaluator ev;
    private final Encoder enc;
    private final PlanBinding bind;

    /**
     * @param params  the plan's parameters ({@link HeParameters#ckksParameters()})
     * @param ev      an evaluator holding the relinearization key and the Galois keys of {@link HePlan#galoisSteps()}
     * @param enc     an encoder for {@code params}
     * @param binding the plan bound to its weights
     */
    public CkksBackend(CkksParameters params, Evaluator ev, Encoder enc, PlanBinding binding) {
        this.params = params;
        this.ev = ev;
        this.enc = enc;
        this.bind = binding;
    }

    private double productScale(Ciphertext a, Ciphertext target) {
        double t = target == null ? params.defaultScale() : target.scale();
        return params.rlwe().q(a.level()) * t / a.scale();
    }

    @Override
    public Ciphertext rotate(Ciphertext a, int step) {
        return ev.rotate(a, step);
    }

    @Override
    public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
        return ev.rotateHoisted(a, steps);
    }

    @Override
    public Ciphertext mulPlain(Ciphertext a, int pt, Ciphertext target) {
        Plaintext p = enc.encode(bind.slots(pt), a.level(), productScale(a, target));
        return ev.mulPlain(a, p);
    }

    @Override
    public Ciphertext mulPlainAcc(Ciphertext acc, Ciphertext a, int pt, Ciphertext target) {
        Ciphertext p = mulPlain(a, pt, target);
        ev.addInto(acc, p, acc);
        return acc;
    }

    @Override
    public Ciphertext mulConst(Ciphertext a, int pt, Ciphertext target) {
        return ev.mulPlain(a, enc.encodeConstant(bind.scalar(pt), a.level(), productScale(a, target)));
    }

    @Override
    public Ciphertext mulCt(Ciphertext a, Ciphertext b) {
        return ev.mul(a, b);
    }

    @Override
    public Ciphertext relinearize(Ciphertext a) {
        return ev.relinearize(a);
    }

    @Override
    public Ciphertext rescale(Ciphertext a) {
        return ev.rescale(a);
    }

    @Override
    public Ciphertext dropLevel(Ciphertext a, int levels) {
        return ev.dropToLevel(a, a.level() - levels);
    }

    @Override
    public Ciphertext add(Ciphertext a, Ciphertext b) {
        return ev.add(a, b);
    }

    @Override
    public Ciphertext addPlain(Ciphertext a, int pt) {
        return ev.addPlain(a, enc.encode(bind.slots(pt), a.level(), a.scale()));
    }
}
