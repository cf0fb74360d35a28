package io.henas.he;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the compiler knows about each node's value: its {@link Layout} and pending {@link Affine} (indices into the
 * layout and affine pools it owns), its depth and the levels it consumed; plus the merge decisions the
 * {@link FusionPass} records (residual adds that absorbed a linear branch).
 */
final class NodeValues {
    private final Emitter em;
    private final List<Affine> affines = new ArrayList<>();
    private final Map<Integer, Integer> identities = new HashMap<>();
    private final List<Layout> layouts = new ArrayList<>();
    private final int[] nodeLayout;
    private final int[] nodeAffine;
    private final int[] nodeDepth;
    private final int[] nodeLevels;
    private final int[] absorbedFrom;

    NodeValues(int nodes, Emitter em) {
        this.em = em;
        nodeLayout = new int[nodes];
        nodeAffine = new int[nodes];
        nodeDepth = new int[nodes];
        nodeLevels = new int[nodes];
        absorbedFrom = new int[nodes];
        Arrays.fill(absorbedFrom, -1);
    }

    /** Sets node {@code id}'s value: layout and affine indices. */
    void set(int id, int layout, int affine) {
        nodeLayout[id] = layout;
        nodeAffine[id] = affine;
    }

    int layoutId(int node) {
        return nodeLayout[node];
    }

    Layout layoutOf(int node) {
        return layouts.get(nodeLayout[node]);
    }

    int affineId(int node) {
        return nodeAffine[node];
    }

    Affine affine(int id) {
        return affines.get(id);
    }

    List<Affine> affines() {
        return affines;
    }

    /** Whether node {@code node}'s pending affine is the identity. */
    boolean identityAffine(int node) {
        return affines.get(nodeAffine[node]) instanceof Affine.Identity;
    }

    /** Registers and pools a new affine; returns its index. */
    int affine(Affine a) {
        affines.add(a);
        return affines.size() - 1;
    }

    /** Index of the (shared) identity affine on {@code channels} channels. */
    int identity(int channels) {
        return identities.computeIfAbsent(channels, c -> affine(new Affine.Identity(c)));
    }

    /** Registers a new layout; returns its index. */
    int layout(Layout l) {
        layouts.add(l);
        return layouts.size() - 1;
    }

    Layout layout(int id) {
        return layouts.get(id);
    }

    /** The deepest register of node {@code node}'s value. */
    int valueDepth(int node) {
        Layout l = layout(nodeLayout[node]);
        int d = 0;
        for (int i = 0; i < l.regCount(); i++) {
            d = Math.max(d, em.depth(l.regAt(i)));
        }
        return d;
    }

    /** Records node {@code id}'s depth and the levels it consumed beyond its deepest input. */
    void finish(int id, List<Integer> inputs) {
        nodeDepth[id] = valueDepth(id);
        int before = 0;
        for (int i : inputs) {
            before = Math.max(before, nodeDepth[i]);
        }
        nodeLevels[id] = nodeDepth[id] - before;
    }

    /** Residual add {@code add} absorbed the linear branch ending at node {@code branch}. */
    void absorb(int add, int branch) {
        absorbedFrom[add] = branch;
    }

    /** The linear branch the add absorbed, or -1. */
    int absorbedFrom(int add) {
        return absorbedFrom[add];
    }

    /** Node tables for {@link HePlan}. */
    Tables tables() {
        return new Tables(List.copyOf(affines), List.copyOf(layouts), nodeLayout, nodeAffine, nodeDepth, nodeLevels);
    }

    record Tables(List<Affine> affines, List<Layout> layouts, int[] nodeLayout, int[] nodeAffine, int[] nodeDepth,
                  int[] nodeLevels) {
    }
}
