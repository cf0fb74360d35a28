package io.henas.he;

import java.io.IOException;

/**
 * A stored plan ({@link PlanCodec}) that cannot be trusted: truncated, an unsupported version or kind, a count beyond
 * its bound, or an operand or index that does not refer to what it must. The message names the field (e.g.
 * {@code instructions[12].b}) and what must hold.
 */
public final class PlanFormatException extends IOException {
    public PlanFormatException(String message) {
        super(message);
    }

    public PlanFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
