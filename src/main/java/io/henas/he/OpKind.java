package io.henas.he;

/**
 * Cost-relevant CKKS operation types. An instruction maps to one kind, except the instructions with a plaintext vector
 * operand (MUL_PLAIN, MUL_PLAIN_ACC, ADD_PLAIN), which also count one {@link #ENCODE} of that plaintext at the
 * operand's level (an executor encodes plaintexts when used; one that pre-encodes them ignores ENCODE). Calibration
 * measures each kind per ring degree and level.
 */
public enum OpKind {
    ROTATE, HOIST, ROTATE_HOISTED, MUL_PLAIN, MUL_CONST, MUL_CT, RELINEARIZE, RESCALE, DROP_LEVEL, ADD, ADD_PLAIN,
    ENCODE,
    /**
     * A fused, in-place ciphertext-by-constant multiply-accumulate (batch packing). A calibration made before this kind
     * existed lacks it; the cost model then prices it as {@link #MUL_CONST} plus {@link #ADD}.
     */
    MUL_CONST_ACC,
    /**
     * A product by a plaintext added into an accumulator (single-image plans; until calibration format 10 priced as
     * {@link #MUL_PLAIN} plus {@link #ADD}). It has its own time because it runs where those two do not: its
     * accumulator and its ciphertext operand are those of the products just before it (in the core's caches), while a
     * MUL_PLAIN opening an accumulation and an ADD read operands that other operations wrote a while ago.
     */
    MUL_PLAIN_ACC;

    /** The lower-case name used in JSON. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The kinds an instruction of op code {@code op} counts as. */
    public static OpKind[] of(OpCode op) {
        return switch (op) {
            case ROTATE -> ONE[ROTATE.ordinal()];
            case HOIST -> ONE[HOIST.ordinal()];
            case ROTATE_HOISTED -> ONE[ROTATE_HOISTED.ordinal()];
            case MUL_PLAIN -> MUL_ENC;
            case MUL_PLAIN_ACC -> ACC_ENC;
            case MUL_CONST -> ONE[MUL_CONST.ordinal()];
            case MUL_CT -> ONE[MUL_CT.ordinal()];
            case RELINEARIZE -> ONE[RELINEARIZE.ordinal()];
            case RESCALE -> ONE[RESCALE.ordinal()];
            case DROP_LEVEL -> ONE[DROP_LEVEL.ordinal()];
            case ADD -> ONE[ADD.ordinal()];
            case ADD_PLAIN -> ADD_ENC;
            case MUL_CONST_ACC -> ONE[MUL_CONST_ACC.ordinal()];
        };
    }

    private static final OpKind[][] ONE = java.util.Arrays.stream(values()).map(k -> new OpKind[]{k})
            .toArray(OpKind[][]::new);
    private static final OpKind[] ACC_ENC = {MUL_PLAIN_ACC, ENCODE};
    private static final OpKind[] MUL_ENC = {MUL_PLAIN, ENCODE};
    private static final OpKind[] ADD_ENC = {ADD_PLAIN, ENCODE};
}
