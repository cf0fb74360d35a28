package io.henas.cost;

import java.util.concurrent.atomic.AtomicInteger;

import io.henas.he.OpKind;

/** A deterministic stand-in for the evaluator: linear in the number of primes, doubling with N. Counts its calls. */
final class FakeMeasurer implements OpMeasurer {
    final AtomicInteger calls = new AtomicInteger();

    static double us(int logN, int level, OpKind op) {
        double base = switch (op) {
            case ROTATE -> 100;
            case HOIST -> 60;
            case ROTATE_HOISTED -> 45;
            case MUL_PLAIN -> 5;
            case MUL_CONST -> 3;
            case MUL_CT -> 9;
            case RELINEARIZE -> 90;
            case RESCALE -> 20;
            case DROP_LEVEL -> 1;
            case ADD -> 2;
            case ADD_PLAIN -> 1.5;
            case ENCODE -> 30;
        };
        return base * (level + 1) * (1 << (logN - 12));
    }

    @Override
    public double microseconds(int logN, int level, OpKind op) {
        calls.incrementAndGet();
        return us(logN, level, op);
    }
}
