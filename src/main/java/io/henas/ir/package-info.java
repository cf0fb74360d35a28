/**
 * The architecture intermediate representation: immutable records for networks built from layers and mobile-style
 * blocks, with shape inference and validation, and their lowering to a DAG of primitive operations that both the
 * trainer and the HE plan compiler consume, and the one batch-norm fold ({@link io.henas.ir.NetFold}: structure for
 * the compiler, the same rule on trained numbers for export). May depend on: the JDK only.
 */
package io.henas.ir;
