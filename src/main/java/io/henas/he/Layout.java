package io.henas.he;

import java.util.Arrays;

/**
 * Where a feature map {@code C x H x W} lives in ciphertext registers. Channel {@code c} occupies block
 * {@link #block(int)} (slots {@code [block * B, (block + 1) * B)}, {@code B} = {@link HePlan#blockSize()}) of register
 * {@link #reg(int)}; inside its block, logical pixel {@code (y, x)} sits at slot offset
 * {@code sub + (y * gap) * W0 + x * gap} where {@code W0} is the network input's width ({@link HePlan#gridWidth()})
 * and {@code sub} = {@link #sub(int)} is the channel's offset inside the block. Strides and pooling only grow the gap:
 * maps are never repacked. With block packing every sub offset is 0 (one channel per block); a multiplexed layout
 * ({@link #multiplexed()}) interleaves several channels of a strided map in one block, channel c at sub offset
 * {@code sy * W0 + sx} with {@code sx, sy < gap} (see {@link PackedConvLowering}). Only these "valid" slots carry the
 * map; the others hold unspecified values that every consumer masks out. Immutable.
 */
public final class Layout {
    private final int[] reg;
    private final int[] block;
    private final int height;
    private final int width;
    private final int gap;
    private final int[] sub;
    private final int[] regs;

    /**
     * @param reg    register of each channel
     * @param block  block of each channel inside its register
     * @param height map height
     * @param width  map width
     * @param gap    slot distance between horizontally adjacent pixels (vertical: {@code gap * W0})
     */
    public Layout(int[] reg, int[] block, int height, int width, int gap) {
        this(reg, block, new int[reg.length], height, width, gap);
    }

    /**
     * @param sub slot offset of each channel inside its block ({@code sy * W0 + sx}, {@code sx, sy < gap}); all 0 for
     *            block packing
     */
    public Layout(int[] reg, int[] block, int[] sub, int height, int width, int gap) {
        if (reg.length != block.length || reg.length != sub.length || reg.length == 0) {
            throw new IllegalArgumentException("layout needs one (register, block) per channel, but had " + reg.length
                    + " registers and " + block.length + " blocks");
        }
        if (height < 1 || width < 1 || gap < 1) {
            throw new IllegalArgumentException("layout map must be >= 1x1 with gap >= 1, but was " + height + "x" + width
                    + " gap " + gap);
        }
        this.reg = reg.clone();
        this.block = block.clone();
        this.sub = sub.clone();
        for (int c = 0; c < sub.length; c++) {
            if (sub[c] < 0) {
                throw new IllegalArgumentException("layout sub offsets must be >= 0, but channel " + c + " had " + sub[c]);
            }
        }
        this.height = height;
        this.width = width;
        this.gap = gap;
        this.regs = Arrays.stream(reg).distinct().toArray();
    }

    /** The canonical layout: channel c in register {@code firstReg + c / perCt}, block {@code c % perCt}. */
    static Layout canonical(int channels, int perCt, int firstReg, int height, int width, int gap) {
        int[] r = new int[channels];
        int[] b = new int[channels];
        for (int c = 0; c < channels; c++) {
            r[c] = firstReg + c / perCt;
            b[c] = c % perCt;
        }
        return new Layout(r, b, height, width, gap);
    }

    public int channels() { return reg.length; }

    public int reg(int channel) { return reg[channel]; }

    public int block(int channel) { return block[channel]; }

    /** Slot offset of channel {@code channel} inside its block (0 unless {@link #multiplexed()}). */
    public int sub(int channel) { return sub[channel]; }

    /** Whether some channel has a non-zero sub offset (several channels share a block). */
    public boolean multiplexed() {
        for (int s : sub) {
            if (s != 0) {
                return true;
            }
        }
        return false;
    }

    public int height() { return height; }

    public int width() { return width; }

    public int gap() { return gap; }

    /** Number of distinct registers. */
    public int regCount() { return regs.length; }

    /** The {@code k}-th distinct register (in order of first channel). */
    public int regAt(int k) { return regs[k]; }

    /** Index (into {@link #regAt}) of register {@code r}, or -1. */
    public int regIndex(int r) {
        for (int k = 0; k < regs.length; k++) {
            if (regs[k] == r) {
                return k;
            }
        }
        return -1;
    }

    /** Table {@code [regIndex][block] -> channel or -1} for {@code blocks} blocks per register. */
    int[][] channelTable(int blocks) {
        if (multiplexed()) {
            throw new IllegalStateException("a block table needs one channel per block, but " + this + " is multiplexed");
        }
        int[][] t = new int[regs.length][blocks];
        for (int[] row : t) {
            Arrays.fill(row, -1);
        }
        for (int c = 0; c < reg.length; c++) {
            t[regIndex(reg[c])][block[c]] = c;
        }
        return t;
    }

    /** Slot offset of pixel {@code (y, x)} inside its block, for an input grid width {@code w0}. */
    public int offset(int y, int x, int w0) {
        return (y * gap) * w0 + x * gap;
    }

    /** Same map geometry (size and gap). */
    boolean sameGrid(Layout o) {
        return height == o.height && width == o.width && gap == o.gap && !multiplexed() && !o.multiplexed();
    }

    /** The same channel placement with registers renamed by {@code map} (old register -> new register). */
    Layout renamed(java.util.Map<Integer, Integer> map) {
        int[] r = new int[reg.length];
        for (int c = 0; c < reg.length; c++) {
            r[c] = map.getOrDefault(reg[c], reg[c]);
        }
        return new Layout(r, block, sub, height, width, gap);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && Arrays.equals(reg, l.reg) && Arrays.equals(block, l.block) && Arrays.equals(sub, l.sub) && height == l.height
                && width == l.width && gap == l.gap;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(reg) * 31 + Arrays.hashCode(block) + Arrays.hashCode(sub) * 17 + height * 7 + width * 13
                + gap;
    }

    @Override
    public String toString() {
        return "Layout[" + reg.length + " channels in " + regs.length + " registers, " + height + "x" + width + " gap "
                + gap + (multiplexed() ? ", multiplexed" : "") + "]";
    }
}
