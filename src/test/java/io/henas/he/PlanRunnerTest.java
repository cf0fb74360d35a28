package io.henas.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.henas.ir.Architecture;

class PlanRunnerTest {
    /** A backend of opaque tokens that fails on use after free and on double free. */
    static class Tokens implements PlanBackend<Object> {
        final Map<Object, Boolean> freed = new IdentityHashMap<>();
        int hoistedBatches;

        Object fresh(Object... uses) {
            for (Object u : uses) {
                if (u != null && Boolean.TRUE.equals(freed.get(u))) {
                    throw new IllegalStateException("use after free");
                }
            }
            Object t = new Object();
            freed.put(t, false);
            return t;
        }

        public Object rotate(Object a, int step) { return fresh(a); }

        public Object[] rotateHoisted(Object a, int[] steps) {
            hoistedBatches++;
            Object[] o = new Object[steps.length];
            for (int i = 0; i < o.length; i++) {
                o[i] = fresh(a);
            }
            return o;
        }

        public Object mulPlain(Object a, int pt, Object target) { return fresh(a, target); }

        public Object mulPlainAcc(Object acc, Object a, int pt, Object target) { return fresh(acc, a, target); }

        public Object mulConst(Object a, int pt, Object target) { return fresh(a, target); }

        public Object mulCt(Object a, Object b) { return fresh(a, b); }

        public Object relinearize(Object a) { return fresh(a); }

        public Object rescale(Object a) { return fresh(a); }

        public Object dropLevel(Object a, int levels) { return fresh(a); }

        public Object add(Object a, Object b) { return fresh(a, b); }

        public Object addPlain(Object a, int pt) { return fresh(a); }

        @Override
        public void free(Object c) {
            if (!Boolean.FALSE.equals(freed.put(c, true))) {
                throw new IllegalStateException("double free or unknown value");
            }
        }
    }

    /**
     * Runs {@code plan} on fresh input tokens of {@code t} and asserts the counts and that every value but the outputs
     * was freed (exactly once: {@link Tokens#free} fails on a second free).
     */
    static PlanRunner.Result<Object> runFreeingOnce(HePlan plan, Tokens t, String name) {
        List<Object> in = new ArrayList<>();
        for (int k = 0; k < plan.inputLayout().regCount(); k++) {
            in.add(t.fresh());
        }
        PlanRunner.Result<Object> r = PlanRunner.run(plan, t, in);
        assertEquals(OpCounts.of(plan), r.counts(), name);
        for (Map.Entry<Object, Boolean> e : t.freed.entrySet()) {
            boolean output = r.outputs().stream().anyMatch(o -> o == e.getKey());
            assertEquals(!output, e.getValue(), name + ": outputs stay live, all else is freed once");
        }
        return r;
    }

    @Test
    void everyValueIsFreedOnceExceptTheOutputs() {
        for (Architecture a : PlanSimulatorTest.nets()) {
            HePlan plan = HePlan.compileInsecure(a.lower(), CompileOptions.defaults(true), 12);
            Tokens t = new Tokens();
            PlanRunner.Result<Object> r = runFreeingOnce(plan, t, a.name());
            for (Object o : r.outputs()) {
                assertFalse(t.freed.get(o));
            }
            long hoists = r.counts().total(OpKind.HOIST);
            assertEquals(hoists, t.hoistedBatches, "one batched call per HOIST");
        }
    }

    /**
     * A backend that returns a dying operand as an out-of-place ADD's result (as the CKKS backend reuses its memory):
     * the runner must clear that register without freeing the value, free it once as the destination's, and never
     * hand it out after.
     */
    @Test
    void anAddResultReusingADyingOperandIsFreedOnceAsTheDestination() {
        for (Architecture a : PlanSimulatorTest.nets()) {
            HePlan plan = HePlan.compileInsecure(a.lower(), CompileOptions.defaults(true), 12);
            int[] reused = {0};
            Tokens t = new Tokens() {
                int current;

                @Override
                public void before(int i) {
                    current = i;
                }

                @Override
                public Object add(Object x, Object y) {
                    for (Object u : new Object[]{x, y}) {
                        if (!Boolean.FALSE.equals(freed.get(u))) {
                            throw new IllegalStateException("use after free");
                        }
                    }
                    if (plan.op(current) == OpCode.ADD && plan.dst(current) != plan.a(current)) {
                        if (plan.lastUse(plan.a(current)) == current) {
                            reused[0]++;
                            return x;
                        }
                        if (plan.lastUse(plan.b(current)) == current) {
                            reused[0]++;
                            return y;
                        }
                    }
                    return fresh(x, y);
                }
            };
            runFreeingOnce(plan, t, a.name());
            if (plan.instructionCount() > 0 && java.util.stream.IntStream.range(0, plan.instructionCount())
                    .anyMatch(i -> plan.op(i) == OpCode.ADD && plan.dst(i) != plan.a(i)
                            && (plan.lastUse(plan.a(i)) == i || plan.lastUse(plan.b(i)) == i))) {
                assertTrue(reused[0] > 0, a.name() + ": some ADD reused an operand");
            }
        }
    }

    @Test
    void beforeRunsOncePerInstructionInOrderAndEachHoistedRotationAtItsOwnWork() {
        int groups = 0;
        for (Architecture a : PlanSimulatorTest.nets()) {
            HePlan plan = HePlan.compileInsecure(a.lower(), CompileOptions.defaults(true), 12);
            List<String> events = new ArrayList<>();
            Tokens t = new Tokens() {
                @Override
                public void before(int i) {
                    events.add("before " + i);
                }

                @Override
                public Object[] rotateHoisted(Object x, int[] steps, java.util.function.IntConsumer beforeStep) {
                    events.add("decompose");
                    Object[] o = new Object[steps.length];
                    for (int s = 0; s < steps.length; s++) {
                        beforeStep.accept(s);
                        events.add("rotation " + steps[s]);
                        o[s] = fresh(x);
                    }
                    hoistedBatches++;
                    return o;
                }
            };
            List<Object> in = new ArrayList<>();
            for (int k = 0; k < plan.inputLayout().regCount(); k++) {
                in.add(t.fresh());
            }
            PlanRunner.run(plan, t, in);
            int next = 0;
            for (int e = 0; e < events.size(); e++) {
                String ev = events.get(e);
                if (!ev.startsWith("before ")) {
                    continue;
                }
                int i = Integer.parseInt(ev.substring(7));
                assertEquals(next, i, a.name() + ": before() once per instruction, in order");
                next++;
                if (plan.op(i) == OpCode.HOIST) {
                    assertEquals("decompose", events.get(e + 1), a.name() + ": the HOIST's time is the decomposition");
                } else if (plan.op(i) == OpCode.ROTATE_HOISTED && plan.op(i - 1) != OpCode.ROTATE) {
                    assertEquals("rotation " + plan.b(i), events.get(e + 1),
                            a.name() + ": a hoisted rotation's time starts at its own work");
                }
            }
            assertEquals(plan.instructionCount(), next, a.name());
            assertEquals(OpCounts.of(plan).total(OpKind.HOIST), t.hoistedBatches, a.name());
            groups += t.hoistedBatches;
        }
        assertTrue(groups > 0, "the test networks include hoisted rotations");
    }

    @Test
    void wrongInputCountIsRejected() {
        HePlan plan = HePlan.compile(PlanSimulatorTest.nets().getFirst().lower(), CompileOptions.defaults(true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanRunner.run(plan, new Tokens(), List.of()));
        assertTrue(e.getMessage().contains("input ciphertexts"), e.getMessage());
    }
}
