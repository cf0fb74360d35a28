package io.henas.ir;

/** An architecture that is not well formed: the message names the layer (by path) and the rule it breaks. */
public class ArchitectureException extends IllegalArgumentException {
    public ArchitectureException(String message) {
        super(message);
    }
}
