package io.henas.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;

class MemoryModelTest {
    @Test
    void leveledKeysAreNeverLargerAndEqualAtTheTop() {
        HePlan p = HePlan.compile(CostModelTest.small().lower(), CompileOptions.defaults(true));
        int top = p.parameters().dataPrimes() - 1;
        assertEquals(MemoryModel.keySwitchKeyBytes(p.parameters()), MemoryModel.leveledKeySwitchKeyBytes(p.logN(), top));
        assertTrue(MemoryModel.leveledKeySwitchKeyBytes(p.logN(), top - 1)
                < MemoryModel.leveledKeySwitchKeyBytes(p.logN(), top));
        long leveled = MemoryModel.leveledGaloisKeyBytes(p);
        assertTrue(leveled > 0 && leveled <= MemoryModel.galoisKeyBytes(p), leveled + " vs " + MemoryModel.galoisKeyBytes(p));
        long sum = 0;
        for (int level : p.galoisKeyLevels().values()) {
            sum += MemoryModel.leveledKeySwitchKeyBytes(p.logN(), level);
        }
        assertEquals(sum, leveled);
        assertTrue(MemoryModel.leveledRelinearizationKeyBytes(p) <= MemoryModel.keySwitchKeyBytes(p.parameters()));
    }
}
