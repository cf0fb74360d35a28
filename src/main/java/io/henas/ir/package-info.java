/**
 * The architecture intermediate representation: immutable records for networks built from layers and mobile-style
 * blocks, with shape inference and validation, and their lowering to a DAG of primitive operations that both the
 * trainer and the HE plan compiler consume, and the one batch-norm fold ({@link io.henas.ir.NetFold}: structure for
 * the compiler, the same rule on trained numbers for export), and henas' one configured JSON mapper
 * ({@link io.henas.ir.Json}: strict reading, snake_case record names, atomic file writing) through which every JSON
 * file henas reads or writes goes, here so that every package that touches JSON needs only ir. May depend on: the JDK
 * only, except {@code Json} and {@code JsonException}, which may use Jackson.
 */
package io.henas.ir;
