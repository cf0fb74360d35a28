package io.henas.search;

import java.util.Arrays;
import java.util.List;

import io.henas.ir.Architecture;
import io.henas.ir.Json;
import io.henas.space.InvalidCandidateException;
import io.henas.space.SearchSpace;

/** A YAML {@link SearchSpace} seen as the search's {@link CandidateSpace}: one integer gene per choice. */
public final class SpaceCandidates implements CandidateSpace<Architecture> {
    private final SearchSpace space;

    public SpaceCandidates(SearchSpace space) {
        this.space = java.util.Objects.requireNonNull(space, "space");
    }

    public SearchSpace space() {
        return space;
    }

    @Override
    public String name() {
        return space.name();
    }

    @Override
    public int[] cardinalities() {
        return space.genes().stream().mapToInt(g -> g.choices().size()).toArray();
    }

    @Override
    public Candidate<Architecture> decode(int[] genes) {
        try {
            Architecture a = space.decode(genes);
            return new Candidate<>(Arrays.stream(genes).boxed().toList(), SearchSpace.canonicalKey(a), a.name(),
                    Json.write(space.describe(genes)), a);
        } catch (InvalidCandidateException e) {
            throw new CandidateRejectedException(e.getMessage(), e);
        }
    }

    @Override
    public List<Candidate<Architecture>> references() {
        return space.references().stream()
                .map(a -> new Candidate<>(List.<Integer>of(), SearchSpace.canonicalKey(a), a.name(), a.toString(), a))
                .toList();
    }

    @Override
    public String sha256() {
        return space.sha256();
    }
}
