package io.henas.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.henas.ir.Architecture;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;

/**
 * Pins the plans the compiler produces: for every shipped space's references (or fixed architecture), a few seeded
 * random candidates per space, the experiments' fixed architectures, merge on and off, at the automatic ring and at
 * logN 13 and 14 (insecure, layouts only), the plan fingerprint and its rotation / Galois step / mul_plain counts
 * must equal {@code plan-fingerprints.txt} for version-1 plans ({@link Packing#BLOCKS}, which must never change:
 * exported models without a newer plan version recompile them) and {@code plan-fingerprints-v2.txt} for
 * {@link Packing#MULTIPLEXED}. A refactoring of the compiler must leave every line unchanged; a change
 * of the generated code updates the file on purpose ({@code -Dhenas.updateFingerprints=true} rewrites it) in a
 * commit that states the counts before and after.
 */
class PlanFingerprintTest {
    /** Version-1 plans (block packing): must never change, exported models recompile them. */
    static final Path GOLDEN = Path.of("src/test/resources/io/henas/he/plan-fingerprints.txt");
    /** Version-2 plans (multiplexed packing). */
    static final Path GOLDEN_V2 = Path.of("src/test/resources/io/henas/he/plan-fingerprints-v2.txt");
    static final int RANDOM_PER_SPACE = 4;

    @Test
    void blockPackedPlansAreUnchanged() throws IOException {
        check(GOLDEN, fingerprints(Packing.BLOCKS));
    }

    @Test
    void multiplexedPlansAreUnchanged() throws IOException {
        check(GOLDEN_V2, fingerprints(Packing.MULTIPLEXED));
    }

    private static void check(Path golden, List<String> lines) throws IOException {
        if (Boolean.getBoolean("henas.updateFingerprints")) {
            Files.write(golden, lines);
        }
        List<String> expected = Files.readAllLines(golden);
        assertTrue(expected.size() > 100, "golden file has " + expected.size() + " lines");
        for (int i = 0; i < Math.min(expected.size(), lines.size()); i++) {
            assertEquals(expected.get(i), lines.get(i), golden + " line " + (i + 1));
        }
        assertEquals(expected.size(), lines.size());
    }

    static List<String> fingerprints(Packing packing) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("search-spaces", "experiments/hemet-reproduction", "experiments/fashion-best")) {
            try (Stream<Path> s = Files.list(Path.of(dir))) {
                s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("experiment.yaml"))
                        .sorted().forEach(files::add);
            }
        }
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            SearchSpace space = SpaceLoader.load(f);
            List<Architecture> archs = new ArrayList<>(space.references());
            if (space.isFixed()) {
                archs.add(space.fixed());
            } else {
                SplittableRandom rnd = new SplittableRandom(f.getFileName().toString().hashCode());
                for (int i = 0; i < RANDOM_PER_SPACE; i++) {
                    int[] g = new int[space.genes().size()];
                    for (int j = 0; j < g.length; j++) {
                        g[j] = rnd.nextInt(space.genes().get(j).cardinality());
                    }
                    try {
                        archs.add(space.decode(g));
                    } catch (RuntimeException invalid) {
                        // a gene vector the space rejects (e.g. a pool that does not divide the map) has no plan
                    }
                }
            }
            for (int a = 0; a < archs.size(); a++) {
                for (boolean merge : new boolean[]{true, false}) {
                    for (int logN : new int[]{0, 13, 14}) {
                        String id = f + " #" + a + " " + archs.get(a).name() + " merge=" + merge + " logN=" + logN;
                        out.add(id + " " + describe(archs.get(a), merge, logN, packing));
                    }
                }
            }
        }
        return out;
    }

    private static String describe(Architecture arch, boolean merge, int logN, Packing packing) {
        HePlan p;
        try {
            CompileOptions o = CompileOptions.defaults(merge);
            p = logN == 0 ? HePlan.compile(arch.lower(), o, packing)
                    : HePlan.compileInsecure(arch.lower(), o, logN, packing);
        } catch (HeCompileException e) {
            return "error: " + e.getMessage();
        }
        long rot = 0;
        long mulPlain = 0;
        for (int i = 0; i < p.instructionCount(); i++) {
            switch (p.op(i)) {
                case ROTATE, ROTATE_HOISTED -> rot++;
                case MUL_PLAIN, MUL_PLAIN_ACC -> mulPlain++;
                default -> {
                }
            }
        }
        return "logN " + p.logN() + " rot " + rot + " steps " + p.galoisSteps().length + " mul_plain " + mulPlain
                + " " + p.fingerprint();
    }
}
