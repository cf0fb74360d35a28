package io.henas.he;

/**
 * The operations an {@link HePlan} needs, over some ciphertext type {@code C}: implemented by {@link PlanSimulator}
 * (plaintext slot vectors) and by encrypted inference (CKKS ciphertexts). {@link PlanRunner} drives a backend through
 * a plan in order, so every backend executes, frees and counts exactly the same program. Methods may return their
 * operand itself when they work in place on a register the plan owns: the first operand when the instruction writes
 * its register ({@code dst == a}), or an operand register whose last use the instruction is (e.g. an ADD into a new
 * register whose operands die there); the runner then frees that memory only as the destination's.
 * Plaintext operands are plan indices: build them with {@link PlanBinding#slots(int)} or
 * {@link PlanBinding#scalar(int)}; {@code target} is the register whose scale a product must land on after its
 * rescale, or {@code null} for the plan's scale (see {@link OpCode}).
 *
 * @param <C> the ciphertext type
 */
public interface PlanBackend<C> {
    /** Rotation by {@code step} (left, in [1, N/2)). */
    C rotate(C a, int step);

    /** Rotations of one register by several steps sharing one decomposition (a HOIST and its ROTATE_HOISTEDs). */
    C[] rotateHoisted(C a, int[] steps);

    /**
     * As {@link #rotateHoisted(Object, int[])}, calling {@code beforeStep.accept(s)} before rotation {@code s} is
     * computed and after the shared work (the decomposition), so that {@link #before} of each ROTATE_HOISTED can be
     * called at the point where that rotation's own work starts. Default: every {@code beforeStep} call first, then
     * {@link #rotateHoisted(Object, int[])}.
     */
    default C[] rotateHoisted(C a, int[] steps, java.util.function.IntConsumer beforeStep) {
        for (int s = 0; s < steps.length; s++) {
            beforeStep.accept(s);
        }
        return rotateHoisted(a, steps);
    }

    C mulPlain(C a, int pt, C target);

    /** {@code acc + a * pt}; may update and return {@code acc}. */
    C mulPlainAcc(C acc, C a, int pt, C target);

    C mulConst(C a, int pt, C target);

    /**
     * {@code acc + a * scalar(pt)} (MUL_CONST_ACC); may update and return {@code acc}. Default: a MUL_CONST and an
     * ADD, the product freed.
     */
    default C mulConstAcc(C acc, C a, int pt, C target) {
        C p = mulConst(a, pt, target);
        C s = add(acc, p);
        free(p);
        return s;
    }

    /** Ciphertext product without relinearization. */
    C mulCt(C a, C b);

    C relinearize(C a);

    C rescale(C a);

    C dropLevel(C a, int levels);

    C add(C a, C b);

    C addPlain(C a, int pt);

    /** Called before instruction {@code i} executes (for checks and tracing; default: nothing). */
    default void before(int i) {
    }

    /** Called once when the runner no longer needs {@code c} (default: nothing). */
    default void free(C c) {
    }
}
