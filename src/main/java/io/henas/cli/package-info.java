/**
 * The picocli command line: the root {@code henas} command, its subcommands, exit-code mapping and the launcher that
 * re-executes the JVM with the flags ND4J needs. May depend on every other package.
 */
package io.henas.cli;
