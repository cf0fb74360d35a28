/**
 * Exported models: the versioned self-describing {@code .henas} file (architecture, folded weights, HE parameters,
 * provenance, DL4J model) with validation on load. Never holds a key. May depend on: {@code ir}, {@code he},
 * {@code train}, {@code data}, {@code ckks}, {@code rlwe}, {@code ring}.
 */
package io.henas.export;
