package io.henas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class WorkerCommandTest {

    private static WorkerCommand parse(String... args) {
        WorkerCommand w = new WorkerCommand();
        new CommandLine(w).parseArgs(args);
        return w;
    }

    @Test
    void optionsBecomeTheWorkerConfig() throws Exception {
        java.nio.file.Path secret = java.nio.file.Files.createTempFile("henas-secret", ".txt");
        java.nio.file.Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        WorkerConfig c = parse("--cluster", "10.0.0.1,10.0.0.2:5710", "--bind", "10.0.0.3", "--port", "5702",
                "--secret-file", secret.toString(),
                "--name", "lab", "--dataset-sha256", SyntheticEvaluatorFactory.DATASET_SHA256, "--slots", "3",
                "--cores", "8", "--member-timeout", "20").config();
        assertEquals(List.of("10.0.0.1", "10.0.0.2:5710"), c.cluster().members());
        assertEquals("10.0.0.3", c.cluster().bindAddress());
        assertEquals(5702, c.cluster().port());
        assertEquals("lab", c.cluster().clusterName());
        assertEquals(Duration.ofSeconds(20), c.cluster().memberTimeout());
        assertEquals(3, c.slots());
        assertEquals(8, c.environment().cores());
        org.junit.jupiter.api.Assertions.assertNotNull(c.cluster().secret());
        java.nio.file.Files.delete(secret);
        var noSecret = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> parse("--cluster", "10.0.0.1", "--bind", "10.0.0.3", "--dataset-sha256",
                        SyntheticEvaluatorFactory.DATASET_SHA256).config());
        org.junit.jupiter.api.Assertions.assertTrue(noSecret.getMessage().contains("--secret-file"));
        assertEquals(new NodeIdentity(NodeIdentity.henasVersion(), SyntheticEvaluatorFactory.DATASET_SHA256),
                c.identity());
    }

    @Test
    void withoutADatasetHashItHashesTheData() throws Exception {
        WorkerConfig c = parse("--cluster", "127.0.0.1").config();
        assertEquals(DatasetFingerprint.sha256(io.henas.data.Datasets.fashionMnist(java.util.Optional.empty())),
                c.identity().datasetSha256());
        assertEquals(ClusterConfig.DEFAULT_NAME, c.cluster().clusterName());
        assertEquals(0, c.cluster().port());
    }

    @Test
    void clusterIsRequiredAndTheSearchStaysLocalWithoutIt() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> parse("--slots", "1").config());
        assertEquals("henas worker needs --cluster HOST[:PORT],... (the members to join)", e.getMessage());
        ClusterOptions o = new ClusterOptions();
        new CommandLine(o).parseArgs();
        assertTrue(o.toConfig().isEmpty());
    }
}
