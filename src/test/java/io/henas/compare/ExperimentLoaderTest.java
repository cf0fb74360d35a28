package io.henas.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.henas.infer.LayerwiseRun;

class ExperimentLoaderTest {
    @TempDir
    Path dir;

    private Experiment parse(String text) throws IOException {
        CompareFixtures.writeSpaces(dir);
        return ExperimentLoader.parse(text, dir.resolve("exp.yaml"));
    }

    private ExperimentException error(String text) throws IOException {
        CompareFixtures.writeSpaces(dir);
        return assertThrows(ExperimentException.class, () -> ExperimentLoader.parse(text, dir.resolve("exp.yaml")));
    }

    @Test
    void aValidExperimentLoads() throws IOException {
        Experiment e = parse(CompareFixtures.EXPERIMENT);
        assertEquals("tiny-compare", e.name());
        assertEquals(3, e.rows().size());
        assertEquals(Experiment.Role.BASELINE, e.rows().get(0).role());
        assertEquals("tiny-cifar-fire", e.rows().get(0).architecture().name());
        assertTrue(e.rows().get(1).merge());
        assertFalse(e.rows().get(2).merge());
        assertEquals("tiny-fashion", e.rows().get(1).fashion().orElseThrow().name());
        assertTrue(e.rows().get(0).fashion().isEmpty());
        assertEquals(2, e.images());
        assertEquals(7, e.measure().seed());
        assertEquals(1L << 30, e.measure().keyMemoryBytes());
        assertEquals(null, e.measure().mode(), "auto");
        assertEquals(64, e.sha256().length());
    }

    @Test
    void trainOverridesApplyOverTheFileBudget() throws IOException {
        Experiment e = parse(CompareFixtures.EXPERIMENT.replace("inference: {images: 2}",
                "inference: {images: 2}\ntrain: {epochs: 2, train_images: 300}\n"));
        var b = e.train().apply(e.rows().get(1).fashion().orElseThrow().full());
        assertEquals(2, b.epochs());
        assertEquals(300, b.trainImages());
        assertEquals(e.rows().get(1).fashion().orElseThrow().full().batchSize(), b.batchSize());
        assertEquals(e.rows().get(1).fashion().orElseThrow().full().augment(), b.augment());

        // the regularisation options of a space's budgets are overrides too
        e = parse(CompareFixtures.EXPERIMENT.replace("inference: {images: 2}",
                "inference: {images: 2}\ntrain: {augment: {shift: 2, flip: true}, weight_decay: 0.02}\n"));
        b = e.train().apply(e.rows().get(1).fashion().orElseThrow().full());
        assertEquals(new io.henas.space.TrainBudget.Augment(2, true), b.augment());
        assertEquals(0.02, b.weightDecay());

        ExperimentException x = error(CompareFixtures.EXPERIMENT.replace("inference: {images: 2}",
                "inference: {images: 2}\ntrain: {weight_decay: 3}\n"));
        assertTrue(x.getMessage().contains("train.weight_decay must be in [0, 1.0]"), x.getMessage());
        x = error(CompareFixtures.EXPERIMENT.replace("inference: {images: 2}",
                "inference: {images: 2}\ntrain: {augment: {shift: 1, mirror: true}}\n"));
        assertTrue(x.getMessage().contains("train.augment") && x.getMessage().contains("mirror"), x.getMessage());
    }

    @Test
    void modeAndMergeSpellings() throws IOException {
        Experiment e = parse(CompareFixtures.EXPERIMENT.replace("mode: auto", "mode: layerwise")
                .replace("merge: off", "merge: false"));
        assertEquals(LayerwiseRun.Mode.LAYERWISE, e.measure().mode());
        assertFalse(e.rows().get(2).merge());
    }

    @Test
    void errorsNameFileLineAndField() throws IOException {
        ExperimentException e = error(CompareFixtures.EXPERIMENT.replace("role: variant\n    architecture: tiny-cifar.yaml\n    merge: on",
                "role: varient\n    architecture: tiny-cifar.yaml\n    merge: on"));
        assertTrue(e.getMessage().matches(".*exp\\.yaml:10: rows\\[1\\]\\.role must be one of \\[baseline, variant,"
                + " searched\\], but was 'varient'"), e.getMessage());
        assertEquals(10, e.line());

        e = error(CompareFixtures.EXPERIMENT.replace("merge: off", "merge: maybe"));
        assertTrue(e.getMessage().contains(":17: rows[2].merge must be on or off, but was 'maybe'"), e.getMessage());

        e = error(CompareFixtures.EXPERIMENT.replace("tiny-cifar-fire.yaml", "missing.yaml"));
        assertTrue(e.getMessage().contains(":7: rows[0].architecture must name an existing space file"),
                e.getMessage());

        e = error(CompareFixtures.EXPERIMENT.replace("fashion: tiny-fashion.yaml", "fashion: tiny-cifar.yaml"));
        assertTrue(e.getMessage().contains("rows[1].fashion must be a fashion-mnist space file, but"), e.getMessage());

        e = error(CompareFixtures.EXPERIMENT.replace("name: plain-off", "name: plain"));
        assertTrue(e.getMessage().contains(":14: rows[2].name repeats the row name 'plain' of line 9"),
                e.getMessage());

        e = error(CompareFixtures.EXPERIMENT.replace("role: baseline", "role: variant"));
        assertTrue(e.getMessage().contains("rows must hold at least one row with role baseline"), e.getMessage());

        e = error(CompareFixtures.EXPERIMENT.replace("reps: 1", "reps: 0"));
        assertTrue(e.getMessage().contains(":2: measure.reps must be in [1, 1000], but was 0"), e.getMessage());

        e = error(CompareFixtures.EXPERIMENT.replace("inference:", "inferense:"));
        assertTrue(e.getMessage().contains(":3: inferense is not a known key"), e.getMessage());

        e = error(CompareFixtures.EXPERIMENT.replace("    merge: on\n    fashion", "    merge: on\n    colour: red\n"
                + "    fashion"));
        assertTrue(e.getMessage().contains(":13: rows[1].colour is not a known key"), e.getMessage());

        e = error("name: x\n");
        assertTrue(e.getMessage().contains("exp.yaml:1: rows is required"), e.getMessage());
    }

    @Test
    void aSearchSpaceWithChoicesIsRefused() throws IOException {
        CompareFixtures.writeSpaces(dir);
        java.nio.file.Files.writeString(dir.resolve("tiny-cifar.yaml"), CompareFixtures.TINY_CIFAR
                .replace("channels: 4", "channels: [4, 8]"));
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> ExperimentLoader.parse(CompareFixtures.EXPERIMENT, dir.resolve("exp.yaml")));
        assertTrue(e.getMessage().contains("rows[1].architecture must be a fixed architecture"), e.getMessage());
    }
}
