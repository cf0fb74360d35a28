package io.henas.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The git commit henas was built from, recorded by the build ({@code io/henas/build.properties}, written by Maven's
 * {@code record-build-commit} step from {@code git rev-parse HEAD}), so provenance does not depend on the directory
 * the jar runs in. {@code "unknown"} when the build was not made from a git checkout (or the resource is missing, e.g.
 * classes compiled outside Maven).
 */
public final class BuildInfo {
    /** The resource the build writes. */
    static final String RESOURCE = "/io/henas/build.properties";
    private static final Properties PROPERTIES = load(BuildInfo.class.getResourceAsStream(RESOURCE));

    private BuildInfo() {
    }

    static Properties load(InputStream in) {
        Properties p = new Properties();
        if (in == null) {
            return p;
        }
        try (in) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** The 40-hex-digit commit, or {@code "unknown"}. */
    public static String commit() {
        return commit(PROPERTIES);
    }

    /** Whether tracked files differed from {@link #commit()} when the jar was built (false when unknown). */
    public static boolean dirty() {
        return Boolean.parseBoolean(PROPERTIES.getProperty("dirty", "false")) && !"unknown".equals(commit());
    }

    static String commit(Properties p) {
        String c = p.getProperty("commit", "unknown").strip();
        return c.matches("[0-9a-f]{40}") ? c : "unknown";
    }
}
