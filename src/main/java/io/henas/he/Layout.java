package io.henas.he;

import java.util.Arrays;

/**
 * Where a feature map {@code C x H x W} lives in ciphertext registers. Channel {@code c} occupies block
 * {@link #block(int)} (slots {@code [block * B, (block + 1) * B)}, {@code B} = {@link HePlan#blockSize()}) of register
 * {@link #reg(int)}; inside its block, logical pixel {@code (y, x)} sits at slot offset
 * {@code (y * gap) * W0 + x * gap} where {@code W0} is the network input's width ({@link HePlan#gridWidth()}). Strides
 * and pooling only grow the gap: maps are never repacked. Only these "valid" slots carry the map; the others hold
 * unspecified values that every consumer masks out. Immutable.
 */
public final class Layout {
    private final int[] reg;
    private final int[] block;
    private final int height;
    private final int width;
    private final int gap;
    private final int[] regs;

    /**
     * @param reg    register of each channel
     * @param block  block of each channel inside its register
     * @param height map height
     * @param width  map width
     * @param gap    slot distance between horizontally adjacent pixels (vertical: {@code gap * W0})
     */
    public Layout(int[] reg, int[] block, int height, int width, int gap) {
        if (reg.length != block.length || reg.length == 0) {
            throw new IllegalArgumentException("layout needs one (register, block) per channel, but had " + reg.length
                    + " registers and " + block.length + " blocks");
        }
        if (height < 1 || width < 1 || gap < 1) {
            throw new IllegalArgumentException("layout map must be >= 1x1 with gap >= 1, but was " + height + "x" + width
                    + " gap " + gap);
        }
        this.reg = reg.clone();
        this.block = block.clone();
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
        return height == o.height && width == o.width && gap == o.gap;
    }

    /** The same channel placement with registers renamed by {@code map} (old register -> new register). */
    Layout renamed(java.util.Map<Integer, Integer> map) {
        int[] r = new int[reg.length];
        for (int c = 0; c < reg.length; c++) {
            r[c] = map.getOrDefault(reg[c], reg[c]);
        }
        return new Layout(r, block, height, width, gap);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && Arrays.equals(reg, l.reg) && Arrays.equals(block, l.block) && height == l.height
                && width == l.width && gap == l.gap;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(reg) * 31 + Arrays.hashCode(block) + height * 7 + width * 13 + gap;
    }

    @Override
    public String toString() {
        return "Layout[" + reg.length + " channels in " + regs.length + " registers, " + height + "x" + width + " gap "
                + gap + "]";
    }
}
