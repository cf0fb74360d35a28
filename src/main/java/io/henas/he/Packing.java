package io.henas.he;

/**
 * The packing rules a plan is compiled with: the plan version an exported model records so that it recompiles to
 * the same plan (fingerprint) after the compiler learnt better packings. Compilation is deterministic for a given
 * (network, {@link CompileOptions}, packing).
 */
public enum Packing {
    /**
     * Version 1: one channel per block of every ciphertext ({@link ConvLowering}, {@link DenseLowering}); strided
     * maps keep their grid and leave the slots between valid pixels unused.
     */
    BLOCKS(1),
    /**
     * Version 2: as {@link #BLOCKS}, but a strided convolution whose consumers allow it writes a multiplexed layout
     * (several channels interleaved in the gaps of one block, {@link Layout#sub}) through {@link PackedConvLowering},
     * with one product per distinct input-to-output slot shift instead of one per (kernel offset, block diagonal).
     * When that plan is not cheaper than the block-packed one by a static cost proxy (or needs far more Galois keys),
     * the compiler returns the block-packed plan, whose {@link HePlan#packing()} is then {@link #BLOCKS}.
     */
    MULTIPLEXED(2),
    /**
     * Version 3, throughput mode ({@link BatchLowering}): every register holds ONE value of the network (an input
     * pixel, a neuron) for {@code N/2} images, one image per slot. Convolutions, dense layers, pooling and merged
     * affines become ciphertext-by-constant products ({@link OpCode#MUL_CONST}, {@link OpCode#MUL_CONST_ACC}) and
     * additions, activations squares: no rotation, no Galois key. Never chosen automatically (a user picks it).
     */
    BATCH(3);

    /** The packing new plans are compiled with. */
    public static final Packing CURRENT = MULTIPLEXED;

    private final int version;

    Packing(int version) {
        this.version = version;
    }

    /** Whether plans of this packing hold one image per slot ({@link #BATCH}). */
    public boolean batch() {
        return this == BATCH;
    }

    /**
     * The packing named {@code single} (the current single-image packing) or {@code batch}, as in {@code --packing}
     * and {@code he.packing}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Packing named(String name) {
        return switch (name) {
            case "single" -> CURRENT;
            case "batch" -> BATCH;
            default -> throw new IllegalArgumentException("packing must be single or batch, but was '" + name + "'");
        };
    }

    /** The plan version number (as stored in exported models). */
    public int version() {
        return version;
    }

    /**
     * The packing of plan version {@code v}.
     *
     * @throws IllegalArgumentException if no packing has that version
     */
    public static Packing of(int v) {
        for (Packing p : values()) {
            if (p.version == v) {
                return p;
            }
        }
        throw new IllegalArgumentException("plan version must be 1 (blocks), 2 (multiplexed) or 3 (batch), but was " + v);
    }
}
