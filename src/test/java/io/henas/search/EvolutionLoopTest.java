package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The codec boundary of the loop: rejected gene vectors are counted and resampled, never evaluated. */
class EvolutionLoopTest {
    @TempDir
    Path dir;

    /** Rejects every gene vector with an odd sum (half of them). */
    static final class HalfInvalid implements CandidateSpace<int[]> {
        final AtomicInteger rejections = new AtomicInteger();

        public String name() { return "half-invalid"; }
        public int[] cardinalities() { return new int[] {5, 5, 5, 5}; }

        public Candidate<int[]> decode(int[] g) {
            if (Arrays.stream(g).sum() % 2 != 0) {
                rejections.incrementAndGet();
                throw new CandidateRejectedException("gene sum must be even, but was " + Arrays.stream(g).sum());
            }
            return new Candidate<>(Arrays.stream(g).boxed().toList(), Arrays.toString(g), "n", "d", g.clone());
        }
    }

    @Test
    void rejectedVectorsAreCountedAndNeverEvaluated() throws Exception {
        HalfInvalid space = new HalfInvalid();
        CandidateEvaluator<int[]> ev = c -> {
            if (Arrays.stream(c.value()).sum() % 2 != 0) {
                throw new AssertionError("rejected vector evaluated: " + c.key());
            }
            return Evaluation.ok(c.value()[0] / 4.0, 1 + c.value()[1] + c.value()[2], 0, 0, 0);
        };
        SearchResult r = SearchRunner.run(space, ev, SearchConfig.builder(dir).population(10).generations(6).seed(1)
                .threads(1).build(), ProgressListener.NONE);
        assertTrue(r.rejected() >= 10, "about half of the random/altered vectors should be rejected: " + r.rejected());
        assertEquals(space.rejections.get(), r.rejected());
        assertTrue(r.trials().stream().allMatch(t -> t.evaluation().feasible()));
        assertTrue(r.cacheHits() > 0);
    }

    @Test
    void aSpaceThatRejectsEverythingFailsWithAClearMessage() {
        CandidateSpace<int[]> none = new CandidateSpace<>() {
            public String name() { return "nothing-valid"; }
            public int[] cardinalities() { return new int[] {3, 3}; }
            public Candidate<int[]> decode(int[] g) { throw new CandidateRejectedException("never valid"); }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SearchRunner.run(none,
                c -> Evaluation.failed("unreachable"), SearchConfig.builder(dir).population(4).generations(2)
                        .maxResamples(50).threads(1).build(), ProgressListener.NONE));
        assertEquals("the space 'nothing-valid' rejected 50 random gene vectors in a row (last: never valid); its "
                + "constraints leave (almost) nothing valid", e.getMessage());
    }

    @Test
    void aFixedSpaceIsRefusedWithItsName() {
        CandidateSpace<int[]> fixed = new CandidateSpace<>() {
            public String name() { return "fashion-squeezenet"; }
            public int[] cardinalities() { return new int[0]; }
            public Candidate<int[]> decode(int[] g) { throw new UnsupportedOperationException(); }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchRunner.run(fixed,
                c -> Evaluation.failed("unreachable"), SearchConfig.builder(dir).threads(1).build(),
                ProgressListener.NONE));
        assertEquals("space 'fashion-squeezenet' has no choices (it is one fixed architecture): there is nothing to "
                + "search; train or cost it directly", e.getMessage());
    }

    @Test
    void failedEvaluationsAreRecordedRankedLastAndNotRetried() throws Exception {
        Zdt zdt = new Zdt(11, 6, 5, true, false);
        AtomicInteger calls = new AtomicInteger();
        CandidateEvaluator<int[]> flaky = c -> {
            calls.incrementAndGet();
            if (c.value()[1] == 5) {
                throw new IllegalStateException("loss diverged");
            }
            return zdt.evaluation(c.value());
        };
        SearchResult r = SearchRunner.run(zdt, flaky, SearchConfig.builder(dir).population(12).generations(6).seed(2)
                .threads(2).build(), ProgressListener.NONE);
        long failed = r.trials().stream().filter(t -> t.evaluation().status() == Evaluation.Status.FAILED).count();
        assertTrue(failed > 0);
        assertEquals(r.trials().size(), calls.get());
        assertTrue(r.front().stream().allMatch(t -> t.evaluation().feasible()));
        assertTrue(r.trials().stream().filter(t -> t.evaluation().status() == Evaluation.Status.FAILED)
                .allMatch(t -> t.evaluation().failureReason().equals("IllegalStateException: loss diverged")));
    }

    @Test
    void aSearchCandidateEqualToAReferenceIsItsOwnTrialAndCanJoinTheFront() throws Exception {
        Zdt tiny = new Zdt(2, 2, 3, true, false);
        CandidateSpace<int[]> withRef = new CandidateSpace<>() {
            public String name() { return "tiny"; }
            public int[] cardinalities() { return tiny.cardinalities(); }
            public Candidate<int[]> decode(int[] g) { return tiny.decode(g); }
            public java.util.List<Candidate<int[]>> references() { return java.util.List.of(tiny.decode(new int[3])); }
        };
        Zdt.Evaluator ev = tiny.new Evaluator(0);
        SearchResult r = SearchRunner.run(withRef, ev, SearchConfig.builder(dir).population(8).generations(4).seed(5)
                .threads(1).build(), ProgressListener.NONE);
        assertEquals(9, r.trials().size(), "8 candidates + 1 reference");
        assertEquals("ref:0-0-0", r.trials().get(0).key());
        assertTrue(r.trials().get(0).reference());
        assertEquals(1, ev.calls.get("ref:0-0-0").get(), "evaluated once as reference");
        assertEquals(1, ev.calls.get("0-0-0").get(), "and once as search candidate");
        // (accuracy 1, latency 1) and (accuracy 0, latency 0) form the true front; the former is the reference's twin
        assertEquals(java.util.List.of("1-0-0", "0-0-0"), r.front().stream().map(Trial::key).toList());
    }
}
