/**
 * YAML search spaces: parsing with file/line/field error messages, the space of choices, and decoding a choice
 * vector to an {@code ir} architecture. May depend on: {@code ir}.
 */
package io.henas.space;
