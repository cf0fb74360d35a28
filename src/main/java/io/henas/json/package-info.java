/**
 * Minimal JSON for henas' own files (manifests, metrics, calibration caches, reports): a writer for maps, lists,
 * strings, numbers, booleans and null, and a strict parser that reports the offset of the first error.
 * May depend on: the JDK only.
 */
package io.henas.json;
