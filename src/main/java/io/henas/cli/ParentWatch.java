package io.henas.cli;

import java.util.Optional;

/**
 * The child side of {@link Launcher}'s re-execution (kept apart from the launcher, which is compiled for Java 17 and
 * must not be pulled into the Java 25 compilation by a reference from {@link Main}).
 */
final class ParentWatch {
    /** System property with the launcher's pid (same literal as {@code Launcher.PARENT_PID}). */
    static final String PARENT_PID = "henas.parent.pid";
    /** How long the child may take to shut down cleanly after its parent died, before it halts. */
    static final long ORPHAN_GRACE_MS = 5000;

    private ParentWatch() {
    }

    /**
     * In a child started by {@code Launcher}: exit when the launcher process is gone (e.g. {@code kill -9} of the
     * {@code java -jar} the user started), so that no orphan keeps writing the run. Shutdown hooks get
     * {@value #ORPHAN_GRACE_MS} ms, then the JVM halts.
     */
    static void watchParent() {
        String pid = System.getProperty(PARENT_PID);
        if (pid == null) {
            return;
        }
        Optional<ProcessHandle> parent;
        try {
            parent = ProcessHandle.of(Long.parseLong(pid));
        } catch (NumberFormatException e) {
            return;
        }
        if (parent.isEmpty() || !parent.get().isAlive()) {
            orphaned(pid);
            return;
        }
        parent.get().onExit().thenRun(() -> orphaned(pid));
    }

    private static void orphaned(String pid) {
        System.err.println("henas: the launching process " + pid + " is gone; stopping");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(ORPHAN_GRACE_MS);
            } catch (InterruptedException ignored) {
                // halt now
            }
            Runtime.getRuntime().halt(143);
        }, "henas-orphan-halt");
        halt.setDaemon(true);
        halt.start();
        new Thread(() -> System.exit(143), "henas-orphan-exit").start();
    }
}
