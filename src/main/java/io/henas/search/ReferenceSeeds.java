package io.henas.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Finds the gene vectors of a space's reference architectures, so that a search can start from the designs an expert
 * wrote (a warm start) instead of random candidates only.
 *
 * <p>References are written as architectures, not as genes, and one architecture can come from many gene vectors (a
 * gene of an empty stage changes nothing). The vector is found by matching canonical keys: coordinate descent on
 * the edit distance between the token lists of a decoded candidate's canonical key and the reference's (tokens are
 * the lowered operations, e.g. {@code conv32k5s2 bn poly2}), from a few deterministic random starts. Each sweep tries
 * every value of every gene and keeps a strictly better one; distance 0 means the decoded candidate computes the same
 * function family as the reference. A reference that is not a point of the space is reported, not approximated.
 */
final class ReferenceSeeds {
    /** Random starts per reference before giving up. */
    static final int STARTS = 24;
    /** Sweeps over all genes per start (descent stops earlier when a sweep improves nothing). */
    static final int SWEEPS = 12;

    private ReferenceSeeds() {
    }

    /**
     * The gene vector of a candidate with the reference's canonical key, if the space has one.
     *
     * @param space     the space (its decode may reject vectors)
     * @param reference a reference candidate ({@code ref:} prefixes of its key are ignored)
     * @param seed      seed of the random starts (the result is a function of it)
     */
    static <T> Optional<int[]> find(CandidateSpace<T> space, Candidate<T> reference, long seed) {
        String key = reference.key().startsWith(EvolutionLoop.REF_PREFIX)
                ? reference.key().substring(EvolutionLoop.REF_PREFIX.length()) : reference.key();
        List<String> target = tokens(key);
        int[] card = space.cardinalities();
        RandomGenerator random = RandomGeneratorFactory.of("L64X256MixRandom").create(seed);
        for (int start = 0; start < STARTS; start++) {
            int[] genes = randomValid(space, card, random);
            if (genes == null) {
                return Optional.empty();
            }
            int best = distance(space, genes, target);
            for (int sweep = 0; sweep < SWEEPS && best > 0; sweep++) {
                boolean improved = false;
                for (int g = 0; g < card.length && best > 0; g++) {
                    int keep = genes[g];
                    int bestValue = keep;
                    for (int v = 0; v < card[g]; v++) {
                        if (v == keep) {
                            continue;
                        }
                        genes[g] = v;
                        int d = distance(space, genes, target);
                        if (d < best) {
                            best = d;
                            bestValue = v;
                        }
                    }
                    genes[g] = bestValue;
                    improved |= bestValue != keep;
                }
                if (!improved) {
                    break;
                }
            }
            if (best == 0) {
                return Optional.of(genes);
            }
        }
        return Optional.empty();
    }

    /**
     * Up to {@code count} distinct valid gene vectors that differ from {@code genes} in exactly one gene, drawn with
     * {@code random}; fewer when the space has fewer such neighbours.
     */
    static <T> List<int[]> mutants(CandidateSpace<T> space, int[] genes, int count, RandomGenerator random) {
        int[] card = space.cardinalities();
        List<int[]> all = new ArrayList<>();
        for (int g = 0; g < card.length; g++) {
            for (int v = 0; v < card[g]; v++) {
                if (v != genes[g]) {
                    int[] m = genes.clone();
                    m[g] = v;
                    all.add(m);
                }
            }
        }
        List<int[]> out = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        keys.add(keyOrNull(space, genes));
        while (!all.isEmpty() && out.size() < count) {
            int[] m = all.remove(random.nextInt(all.size()));
            String k = keyOrNull(space, m);
            if (k != null && keys.add(k)) {
                out.add(m); // a mutant that decodes to an architecture already present adds nothing
            }
        }
        return out;
    }

    private static <T> String keyOrNull(CandidateSpace<T> space, int[] genes) {
        try {
            return space.decode(genes).key();
        } catch (CandidateRejectedException e) {
            return null;
        }
    }

    private static <T> int[] randomValid(CandidateSpace<T> space, int[] card, RandomGenerator random) {
        for (int i = 0; i < 10_000; i++) {
            int[] genes = new int[card.length];
            for (int g = 0; g < card.length; g++) {
                genes[g] = random.nextInt(card[g]);
            }
            if (keyOrNull(space, genes) != null) {
                return genes;
            }
        }
        return null;
    }

    /** Token edit distance to the target; rejected vectors are infinitely far. */
    private static <T> int distance(CandidateSpace<T> space, int[] genes, List<String> target) {
        String key = keyOrNull(space, genes);
        return key == null ? Integer.MAX_VALUE : editDistance(tokens(key), target);
    }

    static List<String> tokens(String key) {
        return Arrays.asList(key.split(" "));
    }

    /** Levenshtein distance over tokens. */
    static int editDistance(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                int sub = prev[j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
