package io.henas.he;

import java.util.Arrays;
import java.util.List;

import io.henas.ir.LoweredNet;

/**
 * A network compiled to an executable CKKS program: input packing ({@link #inputLayout()}), a list of
 * {@link OpCode} instructions over virtual ciphertext registers, plaintext operand descriptors, pending affine maps
 * and output unpacking; plus the depth per node and the chosen {@link HeParameters}. The single source of truth:
 * {@code cost} counts it, {@link PlanSimulator} and encrypted inference execute it. Immutable.
 *
 * <p>Registers are numbered {@code 0..registerCount()-1}; the input ciphertexts are the registers of the input
 * layout. {@link #lastUse(int)} gives the last instruction touching a register so executors can free it. Levels:
 * the input is encrypted at level {@link #depth()}; {@link #level(int)} is the level of an instruction's operand.
 */
public final class HePlan {
    private final LoweredNet net;
    private final CompileOptions options;
    private final int logN;
    private final int blockSize;
    private final int gridWidth;
    private final int[] code;
    private final int[] nodeOf;
    private final int[] opDepth;
    private final int[] scaleRef;
    private final List<Plaintext> plaintexts;
    private final List<Affine> affines;
    private final List<Layout> layouts;
    private final int[] nodeLayout;
    private final int[] nodeAffine;
    private final int[] nodeDepth;
    private final int[] nodeLevels;
    private final int outputLayout;
    private final int outputAffine;
    private final int registerCount;
    private final int depth;
    private final int[] lastUse;
    private final int[] galoisSteps;
    private final HeParameters parameters;
    private final Packing packing;

    HePlan(LoweredNet net, CompileOptions options, Packing packing, int logN, int blockSize, int gridWidth,
           Emitter.Program program, NodeValues.Tables tables) {
        this(new Stored(net, options, packing, logN, blockSize, gridWidth, program.code(), program.nodeOf(),
                program.opDepth(), program.scaleRef(), program.plaintexts(), tables.affines(), tables.layouts(), tables.nodeLayout(),
                tables.nodeAffine(), tables.nodeDepth(), tables.nodeLevels(), program.registerCount(), program.depth(),
                program.galoisSteps()), null);
    }

    /**
     * Everything that defines a plan besides its {@link HeParameters}: what {@link PlanCodec} stores. Arrays are
     * owned by the plan built from it.
     */
    record Stored(LoweredNet net, CompileOptions options, Packing packing, int logN, int blockSize, int gridWidth, int[] code,
                  int[] nodeOf, int[] opDepth, int[] scaleRef, List<Plaintext> plaintexts, List<Affine> affines,
                  List<Layout> layouts, int[] nodeLayout, int[] nodeAffine, int[] nodeDepth, int[] nodeLevels,
                  int registerCount, int depth, int[] galoisSteps) {
    }

    /**
     * A plan from its stored parts: with {@code parameters == null} they are selected now (compilation), otherwise
     * the given ones are kept (a plan read back from a model file, validated by {@link PlanCodec}).
     */
    HePlan(Stored s, HeParameters parameters) {
        this.net = s.net();
        this.options = s.options();
        this.packing = s.packing();
        this.logN = s.logN();
        this.blockSize = s.blockSize();
        this.gridWidth = s.gridWidth();
        this.code = s.code();
        this.nodeOf = s.nodeOf();
        this.opDepth = s.opDepth();
        this.scaleRef = s.scaleRef();
        this.plaintexts = List.copyOf(s.plaintexts());
        this.affines = List.copyOf(s.affines());
        this.layouts = List.copyOf(s.layouts());
        this.nodeLayout = s.nodeLayout();
        this.nodeAffine = s.nodeAffine();
        this.nodeDepth = s.nodeDepth();
        this.nodeLevels = s.nodeLevels();
        this.outputLayout = nodeLayout[net.output()];
        this.outputAffine = nodeAffine[net.output()];
        this.registerCount = s.registerCount();
        this.depth = s.depth();
        this.galoisSteps = s.galoisSteps();
        this.lastUse = new int[registerCount];
        Arrays.fill(lastUse, -1);
        for (int i = 0; i < instructionCount(); i++) {
            for (int r : new int[]{dst(i), a(i), readsB(op(i)) ? b(i) : -1, scaleRef[i]}) {
                if (r >= 0) {
                    lastUse[r] = i;
                }
            }
        }
        for (int k = 0; k < layout(outputLayout).regCount(); k++) {
            lastUse[layout(outputLayout).regAt(k)] = Integer.MAX_VALUE;
        }
        this.parameters = parameters != null ? parameters : ParameterSelector.at(logN, depth, options,
                Arrays.stream(galoisSteps).boxed().toList());
    }

    /** The stored parts of this plan (shared arrays: callers must not modify them). */
    Stored stored() {
        return new Stored(net, options, packing, logN, blockSize, gridWidth, code, nodeOf, opDepth, scaleRef, plaintexts,
                affines, layouts, nodeLayout, nodeAffine, nodeDepth, nodeLevels, registerCount, depth, galoisSteps);
    }

    /**
     * Compiles {@code net} with the current packing ({@link Packing#CURRENT}); see {@link HeCompiler} for the layout
     * and the merging rules.
     */
    public static HePlan compile(LoweredNet net, CompileOptions options) {
        return HeCompiler.compile(net, options, Packing.CURRENT);
    }

    /** Compiles {@code net} with the given packing (e.g. the one an exported model was compiled with). */
    public static HePlan compile(LoweredNet net, CompileOptions options, Packing packing) {
        return HeCompiler.compile(net, options, packing);
    }

    /**
     * INSECURE: compiles at ring degree {@code 2^logN} even if the chain exceeds the 128-bit bound, for plaintext
     * simulation of layouts (e.g. many channels per ciphertext at a small N). Never use it for encryption.
     */
    public static HePlan compileInsecure(LoweredNet net, CompileOptions options, int logN) {
        return compileInsecure(net, options, logN, Packing.CURRENT);
    }

    /** INSECURE, as above, with the given packing. */
    public static HePlan compileInsecure(LoweredNet net, CompileOptions options, int logN, Packing packing) {
        if (logN < 12 || logN > 16) {
            throw new IllegalArgumentException("logN must be in [12, 16], but was " + logN);
        }
        return HeCompiler.compileInsecure(net, options, logN, packing);
    }

    static boolean readsB(OpCode op) {
        return op == OpCode.ADD || op == OpCode.MUL_CT;
    }

    public LoweredNet net() { return net; }

    public CompileOptions options() { return options; }

    /** The packing (plan version) this plan was compiled with; an exported model records it. */
    public Packing packing() { return packing; }

    public int logN() { return logN; }

    /** Slots per ciphertext, {@code N/2}. */
    public int slots() { return 1 << (logN - 1); }

    /** Slots per channel block. */
    public int blockSize() { return blockSize; }

    /** Channel blocks per ciphertext, {@code slots / blockSize}. */
    public int blocksPerCiphertext() { return slots() / blockSize; }

    /** The input map's width {@code W0}, the row pitch of every block. */
    public int gridWidth() { return gridWidth; }

    /** Multiplicative depth: levels the input must be encrypted at. */
    public int depth() { return depth; }

    public HeParameters parameters() { return parameters; }

    public int instructionCount() { return code.length / 4; }

    public OpCode op(int i) { return OpCode.of(code[4 * i]); }

    public int dst(int i) { return code[4 * i + 1]; }

    public int a(int i) { return code[4 * i + 2]; }

    /** Third operand: a register (ADD, MUL_CT), a plaintext index, a rotation step or a level count. */
    public int b(int i) { return code[4 * i + 3]; }

    /**
     * For a product (MUL_PLAIN, MUL_PLAIN_ACC, MUL_CONST): the register whose current scale the product must land on
     * after the RESCALE that follows, or -1 for the plan's scale {@code 2^scaleBits}. An executor encodes the
     * plaintext (or constant) at {@code q_level * targetScale / inputScale}; then every ADD meets equal scales. -1 for
     * other instructions. A referenced register is live (see {@link #lastUse}) until this instruction.
     */
    public int scaleTarget(int i) { return scaleRef[i]; }

    /** Node id of the network node instruction {@code i} belongs to. */
    public int node(int i) { return nodeOf[i]; }

    /** Level of instruction {@code i}'s operand(s) before it runs ({@code depth} = top, 0 = last prime only). */
    public int level(int i) { return depth - opDepth[i]; }

    public Instruction instruction(int i) {
        return new Instruction(op(i), dst(i), a(i), b(i), node(i), level(i));
    }

    /** One decoded instruction (see {@link OpCode} for the operand meanings). */
    public record Instruction(OpCode op, int dst, int a, int b, int node, int level) {
    }

    public List<Plaintext> plaintexts() { return plaintexts; }

    public Plaintext plaintext(int i) { return plaintexts.get(i); }

    public List<Affine> affines() { return affines; }

    public List<Layout> layouts() { return layouts; }

    public Layout layout(int i) { return layouts.get(i); }

    public int registerCount() { return registerCount; }

    /** Index of the last instruction reading or writing register {@code r} (output registers: MAX_VALUE). */
    public int lastUse(int r) { return lastUse[r]; }

    /** Input packing: channel c of the input map in register {@code reg(c)}, block {@code block(c)}, gap 1. */
    public Layout inputLayout() { return layout(nodeLayout[0]); }

    /** Output unpacking: the output node's layout (logit k = channel k for a {@code classes x 1 x 1} output). */
    public Layout outputLayout() { return layout(outputLayout); }

    /** The affine the client applies to the decrypted output slots (identity unless merging left one pending). */
    public int outputAffine() { return outputAffine; }

    /** Layout index of node {@code id}'s value. */
    public int nodeLayout(int id) { return nodeLayout[id]; }

    /** Pending affine index of node {@code id}'s value. */
    public int nodeAffine(int id) { return nodeAffine[id]; }

    /** Levels consumed up to and including node {@code id}. */
    public int nodeDepth(int id) { return nodeDepth[id]; }

    /** Levels node {@code id} itself consumes (its output depth minus its deepest input's). */
    public int nodeLevels(int id) { return nodeLevels[id]; }

    /** Rotation steps used (left rotations in {@code [1, N/2)}), sorted: the Galois key set. */
    public int[] galoisSteps() { return galoisSteps.clone(); }

    /**
     * For each Galois step of {@link #galoisSteps()}, the highest level (number of data primes minus one) of an
     * operand the plan rotates by it: a key for that step is never needed above this level, so it can be generated
     * (and stored) with only {@code level + 1} data primes. Sorted by step.
     */
    public java.util.SortedMap<Integer, Integer> galoisKeyLevels() {
        java.util.TreeMap<Integer, Integer> m = new java.util.TreeMap<>();
        for (int i = 0; i < instructionCount(); i++) {
            if (op(i) == OpCode.ROTATE || op(i) == OpCode.ROTATE_HOISTED) {
                m.merge(b(i), level(i), Math::max);
            }
        }
        return m;
    }

    /** The highest level at which the plan relinearizes, or -1 if it never does (no relinearization key needed). */
    public int relinearizationKeyLevel() {
        int level = -1;
        for (int i = 0; i < instructionCount(); i++) {
            if (op(i) == OpCode.RELINEARIZE) {
                level = Math.max(level, level(i));
            }
        }
        return level;
    }

    /** Slot of pixel {@code (y, x)} of channel {@code c} of a value in {@code layout} (inside its register). */
    public int slotOf(Layout layout, int c, int y, int x) {
        return layout.block(c) * blockSize + layout.sub(c) + layout.offset(y, x, gridWidth);
    }

    /**
     * SHA-256 (hex) of everything that defines execution: the parameters (ring, primes, special primes, digits, scale,
     * Galois steps), packing, instructions, plaintext descriptors, affines and layouts; not the evidence the chain
     * was selected on ({@link HeParameters#precision()}: defaults when ranked, calibration images when exported), so
     * the plan a search ranks and the plan exported with the same chain have the same fingerprint. Compilation is
     * deterministic, so an exported model can check that the plan it stores or rebuilds is the one it was exported
     * with.
     */
    public String fingerprint() {
        return digest(executionParameters());
    }

    /**
     * The fingerprint model files exported before the selection evidence was left out recorded: as
     * {@link #fingerprint()} with the precision report included. Reading such a file still verifies against it.
     */
    public String evidenceFingerprint() {
        return digest(parameters.toString());
    }

    /**
     * As {@link #fingerprint()} without the modulus chain: equal for two plans that execute the same program at the
     * same ring degree, whatever chains they were given.
     */
    public String programFingerprint() {
        return digest("");
    }

    private String executionParameters() {
        HeParameters p = parameters;
        return "HeParameters[logN=" + p.logN() + ", primeBits=" + p.primeBits() + ", specialPrimeBits="
                + p.specialPrimeBits() + ", digitSize=" + p.digitSize() + ", scaleBits=" + p.scaleBits() + ", logQp="
                + p.logQp() + ", galoisSteps=" + p.galoisSteps() + "]";
    }

    private String digest(String parameterText) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * (code.length + 3 * nodeOf.length + 8));
            buf.putInt(logN).putInt(blockSize).putInt(gridWidth).putInt(depth).putInt(registerCount)
                    .putInt(outputLayout).putInt(outputAffine).putInt(code.length);
            for (int x : code) {
                buf.putInt(x);
            }
            for (int i = 0; i < nodeOf.length; i++) {
                buf.putInt(nodeOf[i]).putInt(opDepth[i]).putInt(scaleRef[i]);
            }
            md.update(buf.array());
            StringBuilder sb = new StringBuilder();
            sb.append(parameterText).append(plaintexts).append(affines);
            for (Layout l : layouts) {
                for (int c = 0; c < l.channels(); c++) {
                    sb.append(l.reg(c)).append(',').append(l.block(c));
                    if (l.sub(c) != 0) {
                        sb.append('+').append(l.sub(c)); // absent in block packing: version-1 fingerprints unchanged
                    }
                    sb.append(';');
                }
                sb.append(l).append('|');
            }
            md.update(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "HePlan[logN=" + logN + ", depth=" + depth + ", " + instructionCount() + " instructions, "
                + plaintexts.size() + " plaintexts, " + registerCount + " registers, " + blocksPerCiphertext()
                + " channels/ciphertext]";
    }
}
