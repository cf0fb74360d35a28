/**
 * YAML search spaces (schema: {@code search-spaces/README.md}): {@link io.henas.space.SpaceLoader} parses a file with
 * snakeyaml-engine's node API so every error is a {@link io.henas.space.SpaceException} naming file, line and field
 * path; {@link io.henas.space.SearchSpace} holds the genes (choice lists), decodes a gene vector to an {@code ir}
 * {@link io.henas.ir.Architecture} (or throws {@link io.henas.space.InvalidCandidateException}), and carries the
 * references, training budgets, search and HE settings, and the {@link io.henas.space.Dataset} (kind, input shape,
 * classes, declared preprocessing); {@link io.henas.space.SpaceWriter} writes an architecture back
 * as a fixed space file. May depend on: {@code ir}, {@code json}.
 */
package io.henas.space;
