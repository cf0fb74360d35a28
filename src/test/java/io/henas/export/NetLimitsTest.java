package io.henas.export;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.Op;
import io.henas.ir.Shape;

/** The node limit keeps the plan compiler's recursion far from the default thread stack. */
class NetLimitsTest {
    @Test
    void aChainAtTheNodeLimitCompilesOrFailsCleanlyWithoutExhaustingTheStack() {
        LoweredNet.Builder b = new LoweredNet.Builder(new Shape(1, 4, 4));
        int x = 0;
        for (int i = 1; i < NetLimits.MAX_NODES; i++) {
            x = b.add("a" + i, new Op.Act(ActivationKind.SQUARE), x);
        }
        LoweredNet net = b.build(x);
        try {
            HePlan.compile(net, CompileOptions.defaults(true));
        } catch (IllegalArgumentException e) {
            // too deep for any ring: a clear compile error is fine
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }
}
