package io.henas.cli;

/** A switch given on the command line as {@code on} or {@code off} (unset: the file's setting). */
enum OnOff {
    on, off;

    /** {@code fallback} when unset, else whether this is {@code on}. */
    static boolean or(OnOff v, boolean fallback) {
        return v == null ? fallback : v == on;
    }
}
