package io.henas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

import io.henas.data.DataSplit;
import io.henas.data.Dataset;
import io.henas.data.Datasets;

class DatasetFingerprintTest {

    @Test
    void equalContentHashesEquallyAndOneChangedLabelChangesTheHash() throws Exception {
        DataSplit shipped = Datasets.shippedSubset();
        String h = DatasetFingerprint.sha256(shipped);
        assertEquals(64, h.length());
        assertEquals(h, DatasetFingerprint.sha256(Datasets.shippedSubset()), "deterministic");

        Dataset train = shipped.train();
        byte[] labels = train.labelBytes();
        labels[0] = (byte) ((labels[0] + 1) % train.classes());
        Dataset changed = Dataset.of(train.name(), train.toIdxImages(), labels, train.classes());
        assertNotEquals(h, DatasetFingerprint.sha256(new DataSplit(changed, shipped.test(), "changed", false)));
        // the source label is not content
        assertEquals(h, DatasetFingerprint.sha256(new DataSplit(train, shipped.test(), "elsewhere", false)));
        assertNotEquals(h, DatasetFingerprint.sha256(new DataSplit(shipped.test(), train, "swapped", false)));
    }
}
