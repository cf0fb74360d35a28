package io.henas.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.henas.ir.Architecture;
import io.henas.ir.Json;
import io.henas.search.Trial;
import io.henas.search.TrialStore;
import io.henas.space.SearchSpace;

/** Reads one trial of a search run back as an architecture of its space. */
final class RunTrials {
    private RunTrials() {
    }

    /**
     * The architecture of trial {@code id} in {@code run}, a run over {@code space} (read from {@code spaceFile}). A
     * space file whose content differs from the run's (another hash: e.g. a changed {@code train.full} recipe, a
     * comment) is accepted when it decodes the trial to the architecture the run recorded (the trial's canonical key);
     * {@code notes} then gets one line saying so.
     *
     * @throws IllegalArgumentException if the run is not a henas run, has no such trial, or the file decodes the trial
     *                                  to another architecture than the run's (another space)
     */
    static Architecture architecture(SearchSpace space, Path spaceFile, Path run, int id,
                                     java.util.function.Consumer<String> notes) throws IOException {
        Path db = run.resolve("trials.db");
        Path manifest = run.resolve("manifest.json");
        if (!Files.isRegularFile(db) || !Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException(run + ": a search run directory must hold trials.db and manifest.json");
        }
        if (!(Json.readFile(manifest) instanceof Map<?, ?> m) || !(m.get("space_sha256") instanceof String sha)) {
            throw new IllegalArgumentException(manifest + ": space_sha256 must be a string");
        }
        boolean sameFile = sha.equals(space.sha256());
        TrialStore store = TrialStore.open(db);
        try {
            Trial t = store.all().stream().filter(x -> x.id() == id).findFirst().orElseThrow(
                    () -> new IllegalArgumentException(db + ": no trial " + id + " (ids 0.." + (store.count() - 1)
                            + ")"));
            Architecture a;
            try {
                a = t.reference()
                        ? space.references().stream().filter(r -> r.name().equals(t.label())).findFirst().orElseThrow(
                                () -> new IllegalArgumentException(spaceFile + ": no reference named " + t.label()))
                        : space.decode(t.genes().stream().mapToInt(Integer::intValue).toArray());
            } catch (RuntimeException e) {
                if (sameFile) {
                    throw e;
                }
                throw mismatch(run, sha, spaceFile, space, " (" + e.getMessage() + ")");
            }
            if (!sameFile) {
                String key = t.key().startsWith(REF_PREFIX) ? t.key().substring(REF_PREFIX.length()) : t.key();
                if (!key.equals(SearchSpace.canonicalKey(a))) {
                    throw mismatch(run, sha, spaceFile, space, ", and it decodes trial " + id
                            + " to another architecture than the run's");
                }
                notes.accept(spaceFile + " differs from the space file of " + run + " (sha256 " + space.sha256()
                        + ", the run's " + sha + ") but decodes trial " + id + " to the run's architecture: using it"
                        + " (its train.full budget applies)");
            }
            return a;
        } finally {
            store.close();
        }
    }

    /** A reference trial's key carries this prefix ({@code search.EvolutionLoop}). */
    private static final String REF_PREFIX = "ref:";

    private static IllegalArgumentException mismatch(Path run, String sha, Path spaceFile, SearchSpace space,
                                                     String why) {
        return new IllegalArgumentException(run + " was searched over a space with sha256 " + sha + ", but "
                + spaceFile + " has sha256 " + space.sha256() + why + " (pass the run's space file)");
    }
}
