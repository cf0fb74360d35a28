package io.henas.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses which candidates of a rung go on to the next: whole non-dominated fronts of (accuracy max, predicted latency
 * min; seconds per image in a throughput run) in order, and from the first front that does not fit entirely, points spread evenly along it by latency (its
 * fastest and its most accurate point first). So the fastest model of a rung is always promoted, not only the most
 * accurate ones.
 */
public final class Promotion {
    private Promotion() {
    }

    /**
     * One candidate's result on a rung.
     *
     * @param cost the run's minimised speed cost ({@link SpeedObjective#cost}): predicted latency, or seconds per
     *             image in a throughput run
     */
    public record Entry(String key, double accuracy, double cost) {
    }

    /**
     * The keys of the {@code k} promoted entries, in the order given (deterministic: ties by input order).
     *
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public static List<String> select(List<Entry> entries, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, but was " + k);
        }
        if (k >= entries.size()) {
            return entries.stream().map(Entry::key).toList();
        }
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            left.add(i);
        }
        boolean[] chosen = new boolean[entries.size()];
        int need = k;
        while (need > 0) {
            List<Integer> front = new ArrayList<>();
            for (int i : left) {
                boolean dominated = false;
                for (int j : left) {
                    if (j != i && dominates(entries.get(j), entries.get(i))) {
                        dominated = true;
                        break;
                    }
                }
                if (!dominated) {
                    front.add(i);
                }
            }
            if (front.size() <= need) {
                for (int i : front) {
                    chosen[i] = true;
                }
                need -= front.size();
                left.removeAll(front);
                continue;
            }
            front.sort(Comparator.comparingDouble((Integer i) -> entries.get(i).cost())
                    .thenComparingInt(i -> i));
            for (int pick : spread(front.size(), need)) {
                chosen[front.get(pick)] = true;
            }
            need = 0;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (chosen[i]) {
                out.add(entries.get(i).key());
            }
        }
        return out;
    }

    /** {@code m} distinct indices in [0, n) spread evenly, both ends first (m < n). */
    static List<Integer> spread(int n, int m) {
        List<Integer> out = new ArrayList<>();
        if (m == 1) {
            out.add(n - 1); // the most accurate point of the front (latency ascending = accuracy ascending)
            return out;
        }
        boolean[] used = new boolean[n];
        for (int i = 0; i < m; i++) {
            int idx = (int) Math.round(i * (n - 1) / (double) (m - 1));
            while (used[idx]) {
                idx++;
            }
            used[idx] = true;
            out.add(idx);
        }
        return out;
    }

    private static boolean dominates(Entry a, Entry b) {
        return a.accuracy() >= b.accuracy() && a.cost() <= b.cost()
                && (a.accuracy() > b.accuracy() || a.cost() < b.cost());
    }
}
