package io.henas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.henas.data.Datasets;

/**
 * Cluster workers compare dataset fingerprints: the shipped Fashion-MNIST subset must hash as it did before
 * multi-channel datasets (value computed with the code of commit c0e2ca5 and with the multi-channel Dataset).
 */
class ShippedFingerprintPinTest {
    @Test
    void shippedSubsetFingerprintIsUnchanged() throws IOException {
        assertEquals("60a9b532ff8fe00c78f60a87b867ff11fb8ed54229db96b4901eff71fb03f7cd",
                DatasetFingerprint.sha256(Datasets.shippedSubset()));
    }
}
