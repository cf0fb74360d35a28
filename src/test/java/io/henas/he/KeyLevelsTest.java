package io.henas.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.henas.space.SpaceLoader;

/** {@link HePlan#galoisKeyLevels()} and {@link HePlan#relinearizationKeyLevel()} are exact maxima over the plan. */
class KeyLevelsTest {
    @Test
    void everyStepHasTheHighestLevelItIsUsedAt() {
        for (String f : new String[]{"experiments/fashion-best/net.yaml", "search-spaces/fashion-squeezenet.yaml"}) {
            HePlan p = HePlan.compileInsecure(SpaceLoader.load(Path.of(f)).fixed().lower(),
                    CompileOptions.defaults(true), 14);
            Map<Integer, Integer> levels = p.galoisKeyLevels();
            assertEquals(Arrays.stream(p.galoisSteps()).boxed().toList(), levels.keySet().stream().toList(),
                    f + ": one level per Galois step");
            Map<Integer, Integer> seen = new TreeMap<>();
            int relin = -1;
            for (int i = 0; i < p.instructionCount(); i++) {
                OpCode op = p.op(i);
                if (op == OpCode.ROTATE || op == OpCode.ROTATE_HOISTED) {
                    assertTrue(p.level(i) <= levels.get(p.b(i)), f + ": instruction " + i);
                    seen.merge(p.b(i), p.level(i), Math::max);
                } else if (op == OpCode.RELINEARIZE) {
                    relin = Math.max(relin, p.level(i));
                }
            }
            assertEquals(seen, levels, f);
            assertEquals(relin, p.relinearizationKeyLevel(), f);
            assertTrue(relin >= 0 && relin < p.depth(), f + ": relinearized below the top, at " + relin);
            assertTrue(levels.values().stream().anyMatch(l -> l < p.depth()), f + ": some key is needed below the top");
        }
    }
}
