package io.henas.he;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.henas.ir.Op;
import io.henas.ir.Shape;

/**
 * The slot shifts of a convolution between one input and one output register, for {@link PackedConvLowering} and
 * {@link PlanBinding} (both build it the same way, so the plan and its plaintexts agree). Output pixel
 * {@code (oy, ox)} of channel {@code o} reads input pixel {@code (oy*s + ky - pad, ox*s + kx - pad)} of channel
 * {@code i}; in slots that is the output slot plus {@code block * B + row * W0 + col} with
 * {@code block = (inBlock - outBlock) mod P}, {@code row = inSy - outSy + (ky - pad) * gap} and
 * {@code col = inSx - outSx + (kx - pad) * gap}, independent of the pixel ({@code (sy, sx)}: a channel's sub offset
 * in rows and columns). Every (output channel, input channel, kernel offset) term is listed under its shift; each
 * distinct shift is one masked product. A replicated input ({@code period > 0}: block {@code b} holds channel
 * {@code b mod period}) is read from the replica at block shift {@code (i - outBlock) mod period}, so at most
 * {@code period} block shifts occur.
 */
final class ConvShifts {
    private ConvShifts() {
    }

    /** A shift: whole blocks (in {@code [0, P)}), rows ({@code W0} slots) and columns (slots). */
    record Shift(int block, int row, int col) implements Comparable<Shift> {
        private static final java.util.Comparator<Shift> ORDER = java.util.Comparator.comparingInt(Shift::block)
                .thenComparingInt(Shift::row).thenComparingInt(Shift::col);

        @Override
        public int compareTo(Shift o) {
            return ORDER.compare(this, o);
        }
    }

    /** One term: output channel {@code out} reads input channel {@code in} through kernel offset (ky, kx). */
    record Term(int out, int in, int ky, int kx) {
    }

    /**
     * The terms between input register {@code ri} and output register {@code ro}, by shift (sorted).
     *
     * @param period replication period of the (single, block-packed) input register, or 0
     */
    static TreeMap<Shift, List<Term>> of(Op.Conv c, Shape inS, Shape outS, Layout inL, Layout outL, int period,
                                         int ri, int ro, int perCt, int w0) {
        if (c.depthwise()) {
            throw new IllegalStateException("multiplexed packing does not lower depthwise convolutions");
        }
        int k = c.kernel();
        int pad = (k - 1) / 2;
        int g = inL.gap();
        boolean[] vy = validTaps(k, c.stride(), pad, outS.height(), inS.height());
        boolean[] vx = validTaps(k, c.stride(), pad, outS.width(), inS.width());
        List<int[]> ins = new ArrayList<>(); // {channel, block, sub}
        if (period > 0) {
            for (int b = 0; b < perCt; b++) {
                if (b % period < inL.channels()) {
                    ins.add(new int[]{b % period, b, 0});
                }
            }
        } else {
            for (int i = 0; i < inL.channels(); i++) {
                if (inL.regIndex(inL.reg(i)) == ri) {
                    ins.add(new int[]{i, inL.block(i), inL.sub(i)});
                }
            }
        }
        TreeMap<Shift, List<Term>> m = new TreeMap<>();
        for (int o = 0; o < outL.channels(); o++) {
            if (outL.regIndex(outL.reg(o)) != ro) {
                continue;
            }
            int ob = outL.block(o);
            int oy = outL.sub(o) / w0;
            int ox = outL.sub(o) % w0;
            for (int[] in : ins) {
                if (period > 0 && in[1] != (ob + Math.floorMod(in[0] - ob, period)) % perCt) {
                    continue; // another replica: read the one at block shift (i - outBlock) mod period
                }
                int block = Math.floorMod(in[1] - ob, perCt);
                int iy = in[2] / w0;
                int ix = in[2] % w0;
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        if (!vy[ky] || !vx[kx]) {
                            continue;
                        }
                        Shift s = new Shift(block, iy - oy + (ky - pad) * g, ix - ox + (kx - pad) * g);
                        m.computeIfAbsent(s, x -> new ArrayList<>()).add(new Term(o, in[0], ky, kx));
                    }
                }
            }
        }
        return m;
    }

    /** Taps that touch at least one in-map input pixel. */
    static boolean[] validTaps(int k, int s, int pad, int outSize, int inSize) {
        boolean[] v = new boolean[k];
        for (int t = 0; t < k; t++) {
            for (int o = 0; o < outSize && !v[t]; o++) {
                int i = o * s + t - pad;
                v[t] = i >= 0 && i < inSize;
            }
        }
        return v;
    }

    /** The shifts of a table as a list (for indexing). */
    static List<Shift> shifts(Map<Shift, List<Term>> m) {
        return new ArrayList<>(m.keySet());
    }
}
