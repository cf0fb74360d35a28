package io.henas.he;

/**
 * The instructions of an {@link HePlan}. Every instruction is four ints {@code (op, dst, a, b)} over virtual
 * ciphertext registers; {@code dst == a} means in place. Registers hold CKKS ciphertexts of {@code N/2} slots; a
 * rotation by {@code step} is a left rotation ({@code out[t] = in[(t + step) mod N/2]}). Plaintext operands are
 * indices into {@link HePlan#plaintexts()}; {@link PlanBinding} builds their slot vectors from the weights.
 *
 * <p>Scale discipline (what an executor must do): the input is encoded at the plan's scale {@code 2^scaleBits}. A
 * product (MUL_PLAIN, MUL_PLAIN_ACC, MUL_CONST) is encoded at {@code q_level * target / inputScale}, where
 * {@code target} is the plan's scale or the current scale of register {@link HePlan#scaleTarget(int)}, so that the
 * following RESCALE (division by {@code q_level}) lands exactly on {@code target}; MUL_CT gives
 * {@code s_a * s_b / q_level} after rescaling. DROP_LEVEL, rotations and additions keep the scale; ADD_PLAIN operands
 * are encoded at the register's current scale. The compiler proves (and {@link PlanSimulator} checks) that both
 * operands of every ADD then have identical scales, so no scale fix is ever needed at run time.
 */
public enum OpCode {
    /**
     * {@code dst = rot(a, b)}: a full key-switched rotation by step {@code b}. The operand may be a degree-2 product
     * not yet rescaled (the giant steps of a convolution rotate accumulated products before the single rescale).
     */
    ROTATE,
    /** Decompose register {@code a} once for the hoisted rotations that follow ({@code dst = -1}). */
    HOIST,
    /** {@code dst = rot(a, b)} reusing the decomposition of the last {@code HOIST a}. */
    ROTATE_HOISTED,
    /** {@code dst = a * pt[b]} (slot-wise), degree 1 to 2. */
    MUL_PLAIN,
    /** {@code dst += a * pt[b]}: a fused ct x pt product and addition into the degree-2 accumulator {@code dst}. */
    MUL_PLAIN_ACC,
    /** {@code dst = a * scalar(pt[b])}: multiplication by one constant for all slots, degree 1 to 2. */
    MUL_CONST,
    /** {@code dst = a * b} (ciphertext x ciphertext, both degree 1 at the same level): a size-3 ciphertext. */
    MUL_CT,
    /** Relinearize the size-3 register {@code dst} in place. */
    RELINEARIZE,
    /** Rescale register {@code dst} in place: drops one level, degree 2 to 1. */
    RESCALE,
    /** {@code dst = a} brought down {@code b} levels without rescaling (modulus dropping). */
    DROP_LEVEL,
    /** {@code dst = a + b}, equal level and degree. */
    ADD,
    /** {@code dst = a + pt[b]}. */
    ADD_PLAIN,
    /**
     * {@code dst += a * scalar(pt[b])}: a fused ciphertext-by-constant product and addition into the degree-2
     * accumulator {@code dst} (batch packing: one constant per weight, an integer multiply per RNS limb, reduced
     * lazily). Appended last so the ordinals of stored plans are unchanged.
     */
    MUL_CONST_ACC;

    private static final OpCode[] VALUES = values();

    /** The op code with this ordinal. */
    public static OpCode of(int ordinal) {
        return VALUES[ordinal];
    }
}
