package io.henas.search;

import java.nio.file.Path;

/**
 * Runs a slow synthetic search in a separate JVM so that {@link SearchResumeTest} can kill it with
 * {@code destroyForcibly} (SIGKILL) part-way. Arguments: run directory, seed.
 */
public final class ResumeKillMain {
    private ResumeKillMain() {
    }

    public static void main(String[] args) throws Exception {
        Zdt zdt = SearchResumeTest.space();
        SearchConfig cfg = SearchResumeTest.config(Path.of(args[0]), Long.parseLong(args[1]), false);
        SearchRunner.run(zdt, zdt.new Evaluator(25), cfg, ProgressListener.NONE);
    }
}
