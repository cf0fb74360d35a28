package io.henas.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.ckks.CkksParameters;
import io.henas.he.CompileOptions;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.ring.Sampler;
import io.henas.rlwe.GaloisKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.KeySwitchKey;
import io.henas.rlwe.RelinKey;
import io.henas.rlwe.SecretKey;
import io.henas.rlwe.Security;

class MemoryModelTest {
    /** Each distinct plaintext operand and level counts once, between one limb and the top level's limbs. */
    @Test
    void plaintextBytesCountDistinctOperandsOnce() {
        HePlan p = HePlan.compile(CostModelTest.small().lower(), CompileOptions.defaults(true));
        java.util.Set<Integer> operands = new java.util.HashSet<>();
        int uses = 0;
        for (int i = 0; i < p.instructionCount(); i++) {
            switch (p.op(i)) {
                case MUL_PLAIN, MUL_PLAIN_ACC, MUL_CONST, ADD_PLAIN -> {
                    operands.add(p.b(i));
                    uses++;
                }
                default -> {
                }
            }
        }
        long limb = (1L << p.logN()) * 8;
        long bytes = MemoryModel.plaintextBytes(p);
        assertTrue(operands.size() > 0 && uses >= operands.size(), "the plan multiplies by plaintexts");
        assertTrue(bytes >= operands.size() * limb, bytes + " bytes");
        assertTrue(bytes <= (long) operands.size() * (p.depth() + 1) * limb * (p.depth() + 1), bytes + " bytes");
    }

    @Test
    void leveledKeysAreNeverLargerAndEqualAtTheTop() {
        HePlan p = HePlan.compile(CostModelTest.small().lower(), CompileOptions.defaults(true));
        int top = p.parameters().depth();
        assertEquals(MemoryModel.keySwitchKeyBytes(p.parameters()), MemoryModel.keySwitchKeyBytes(p.parameters(), top));
        assertTrue(MemoryModel.keySwitchKeyBytes(p.parameters(), top - 1)
                < MemoryModel.keySwitchKeyBytes(p.parameters(), top));
        long leveled = MemoryModel.galoisKeyBytes(p);
        assertTrue(leveled > 0 && leveled <= MemoryModel.topLevelGaloisKeyBytes(p),
                leveled + " vs " + MemoryModel.topLevelGaloisKeyBytes(p));
        assertTrue(MemoryModel.relinearizationKeyBytes(p) <= MemoryModel.keySwitchKeyBytes(p.parameters()));
    }

    /**
     * The model's bytes equal rlwe's layout for every level of SEAL's and hybrid shapes, and the bytes of keys really
     * generated at those levels (small insecure rings: the layout does not depend on N beyond the factor N).
     */
    @Test
    void byteCountsEqualGeneratedKeys() {
        for (int[] shape : new int[][]{{1, 1}, {2, 2}, {3, 4}, {2, 5}}) {
            HeParameters hp = new HeParameters(12, List.of(40, 30, 30, 30, 30), java.util.Collections.nCopies(shape[0],
                    50), shape[1], 30, 160 + 50 * shape[0], 0, List.of(), new io.henas.he.PrecisionReport(io.henas.he.PrecisionReport.DEFAULTS, 0, 0, 0, 0, Double.NaN, 0, null));
            CkksParameters cp = hp.ckksParameters(Security.INSECURE_NO_BOUND);
            assertEquals(shape[0], cp.rlwe().specialPrimeCount());
            assertEquals(shape[1], cp.rlwe().digitSize());
            KeyGenerator g = new KeyGenerator(cp.rlwe(), new Sampler());
            SecretKey sk = g.secretKey();
            for (int level = 0; level <= hp.depth(); level++) {
                assertEquals(KeySwitchKey.byteSize(cp.rlwe(), level), MemoryModel.keySwitchKeyBytes(hp, level));
            }
            for (int level : new int[]{0, 2, hp.depth()}) {
                RelinKey rk = g.relinKey(sk, level);
                assertEquals(MemoryModel.keySwitchKeyBytes(hp, level), inMemory(rk.key()), "relin at " + level);
            }
            GaloisKeys gk = g.galoisKeys(sk, java.util.Map.of(1, 1, 2, hp.depth(), 4, 3), -1);
            long sum = 0;
            for (KeySwitchKey k : gk.asMap().values()) {
                sum += inMemory(k);
            }
            assertEquals(MemoryModel.keySwitchKeyBytes(hp, 1) + MemoryModel.keySwitchKeyBytes(hp, hp.depth())
                    + MemoryModel.keySwitchKeyBytes(hp, 3), sum);
        }
    }

    /** Bytes of the residues a key really holds: 8 per coefficient of every limb of every digit's two polynomials. */
    static long inMemory(KeySwitchKey k) {
        long b = 0;
        for (int j = 0; j < k.digits(); j++) {
            b += 8L * k.b(j).limbCount() * k.b(j).n() + 8L * k.a(j).limbCount() * k.a(j).n();
        }
        return b;
    }
}
