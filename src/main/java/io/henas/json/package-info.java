/**
 * henas' JSON configuration: the one Jackson mapper (strict reading: no duplicate keys, no trailing tokens, bounded
 * nesting, integers as long; snake_case names for records; non-finite doubles as null) and atomic file writing.
 * Every JSON file henas writes goes through {@link io.henas.json.Json}. May depend on: the JDK and Jackson.
 */
package io.henas.json;
