package io.henas.cost;

import java.util.concurrent.atomic.AtomicInteger;

import io.henas.he.OpKind;

/**
 * A deterministic stand-in for the evaluator: linear in the number of primes, doubling with N, key switching scaled
 * by a factor of the key-switching shape (1 for SEAL's). Counts its calls.
 */
final class FakeMeasurer implements OpMeasurer {
    final AtomicInteger calls = new AtomicInteger();

    static double us(int logN, int level, OpKind op) {
        return us(ChainShape.seal(logN), level, op);
    }

    /** Key-switching cost factor of a shape: 1 for SEAL's, else {@code 0.5 + 0.1 k + 0.5 / alpha}. */
    static double shapeFactor(ChainShape s) {
        return s.isSeal() ? 1 : 0.5 + 0.1 * s.specialPrimes() + 0.5 / s.digitSize();
    }

    static double us(ChainShape shape, int level, OpKind op) {
        int logN = shape.logN();
        double ks = switch (op) {
            case ROTATE, HOIST, ROTATE_HOISTED, RELINEARIZE -> shapeFactor(shape);
            default -> 1;
        };
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
            case MUL_CONST_ACC -> 4;
            case MUL_PLAIN_ACC -> 6;
        };
        return ks * base * (level + 1) * (1 << (logN - 12));
    }

    @Override
    public double microseconds(ChainShape shape, int level, OpKind op) {
        calls.incrementAndGet();
        return us(shape, level, op);
    }
}
