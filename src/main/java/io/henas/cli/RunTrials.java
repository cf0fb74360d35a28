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
     * The architecture of trial {@code id} in {@code run}, a run over {@code space} (read from {@code spaceFile}).
     *
     * @throws IllegalArgumentException if the run is not a henas run, was made over another space (hash mismatch) or
     *                                  has no such trial
     */
    static Architecture architecture(SearchSpace space, Path spaceFile, Path run, int id) throws IOException {
        Path db = run.resolve("trials.db");
        Path manifest = run.resolve("manifest.json");
        if (!Files.isRegularFile(db) || !Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException(run + ": a search run directory must hold trials.db and manifest.json");
        }
        if (!(Json.readFile(manifest) instanceof Map<?, ?> m) || !(m.get("space_sha256") instanceof String sha)) {
            throw new IllegalArgumentException(manifest + ": space_sha256 must be a string");
        }
        if (!sha.equals(space.sha256())) {
            throw new IllegalArgumentException(run + " was searched over a space with sha256 " + sha + ", but "
                    + spaceFile + " has sha256 " + space.sha256() + " (pass the run's space file)");
        }
        TrialStore store = TrialStore.open(db);
        try {
            Trial t = store.all().stream().filter(x -> x.id() == id).findFirst().orElseThrow(
                    () -> new IllegalArgumentException(db + ": no trial " + id + " (ids 0.." + (store.count() - 1)
                            + ")"));
            if (t.reference()) {
                return space.references().stream().filter(r -> r.name().equals(t.label())).findFirst().orElseThrow(
                        () -> new IllegalArgumentException(spaceFile + ": no reference named " + t.label()));
            }
            return space.decode(t.genes().stream().mapToInt(Integer::intValue).toArray());
        } finally {
            store.close();
        }
    }
}
