package io.henas.cli;

/** Thrown by a subcommand whose feature is not built yet: it says so instead of pretending. */
final class NotBuiltException extends RuntimeException {
    NotBuiltException(String what, String issue) {
        super(what + " is not built yet (" + issue + "); see README.md for what works today");
    }
}
