package io.henas.cluster;

import java.util.Arrays;
import java.util.List;

import io.henas.search.Candidate;
import io.henas.search.CandidateRejectedException;
import io.henas.search.CandidateSpace;

/** A small gene space for cluster tests: the description is the gene vector; vectors summing to 7 are rejected. */
final class SyntheticSpace implements CandidateSpace<String> {
    @Override
    public String name() {
        return "synthetic";
    }

    @Override
    public int[] cardinalities() {
        return new int[]{4, 4, 4, 3};
    }

    @Override
    public Candidate<String> decode(int[] genes) {
        if (Arrays.stream(genes).sum() == 7) {
            throw new CandidateRejectedException("genes summing to 7 are invalid in this test space");
        }
        String d = "synthetic" + Arrays.toString(genes);
        List<Integer> g = Arrays.stream(genes).boxed().toList();
        return new Candidate<>(g, "k" + Arrays.toString(genes).replaceAll("[^0-9]", ""), "net" + Arrays.toString(genes),
                d, d);
    }

    @Override
    public List<Candidate<String>> references() {
        return List.of(decode(new int[]{3, 3, 3, 2}));
    }
}
