/**
 * Exported models: the versioned, self-describing {@code .henas} file (a zip: manifest with a SHA-256 per entry, the
 * folded network and weights, the unfolded architecture, the compiled plan ({@code plan.bin}, read back without the
 * compiler by {@link io.henas.export.PlanEntry}; version-1 files without it are recompiled), HE plan parameters with
 * the concrete primes and the plan fingerprint, provenance, training metrics and the DL4J model), written by
 * {@link io.henas.export.ModelExporter}
 * and loaded with full validation by {@link io.henas.export.ExportedModel#read} (bounded: the container must end
 * with its end record, entries are inflated only up to the sizes the manifest declares, with ratio and heap caps,
 * and the network must respect {@code NetLimits} before anything is built from it); failures are
 * {@link io.henas.export.ExportFormatException}. Never holds a key. May depend on: {@code ir}, {@code he},
 * {@code train}, {@code data}, {@code ckks}, {@code rlwe}, {@code ring}, {@code json}.
 */
package io.henas.export;
