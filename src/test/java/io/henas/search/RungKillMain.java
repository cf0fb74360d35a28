package io.henas.search;

import java.nio.file.Path;

/**
 * Runs a slow synthetic multi-fidelity search in a separate JVM so that {@link RungSearchTest} can kill it with
 * {@code destroyForcibly} (SIGKILL) mid-rung. Argument: run directory.
 */
public final class RungKillMain {
    private RungKillMain() {
    }

    public static void main(String[] args) throws Exception {
        Zdt zdt = SearchResumeTest.space();
        SearchRunner.run(zdt, new RungSearchTest.RungEvaluator(zdt, 30, -1), RungSearchTest.config(Path.of(args[0]),
                false), ProgressListener.NONE);
    }
}
