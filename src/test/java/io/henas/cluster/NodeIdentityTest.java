package io.henas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class NodeIdentityTest {
    static final String A = DatasetFingerprint.sha256("a"), B = DatasetFingerprint.sha256("b");

    @Test
    void mismatchNamesBothSidesOfEachDifference() {
        NodeIdentity search = new NodeIdentity("1.0", A);
        assertEquals(Optional.empty(), search.mismatch(new NodeIdentity("1.0", A)));
        assertEquals(Optional.of("henas version mismatch: search=1.0, worker=0.9"),
                search.mismatch(new NodeIdentity("0.9", A)));
        assertEquals(Optional.of("henas version mismatch: search=1.0, worker=0.9; dataset sha256 mismatch: search="
                + A + ", worker=" + B), search.mismatch(new NodeIdentity("0.9", B)));
    }

    @Test
    void readsTheBuildVersionAndRejectsMalformedHashes() {
        assertTrue(NodeIdentity.henasVersion().matches("\\d+\\.\\d+\\.\\d+.*"), NodeIdentity.henasVersion());
        assertEquals("datasetSha256 must be 64 lower-case hex digits, but was 'xyz'",
                assertThrows(IllegalArgumentException.class, () -> new NodeIdentity("1.0", "xyz")).getMessage());
    }

    @Test
    void memberAttributesRoundTripAndIncompleteOnesAreNoIdentity() {
        assertEquals(Optional.of(new NodeIdentity("1.0", A)), NodeIdentity.of(Map.of(NodeIdentity.ATTR_VERSION, "1.0",
                NodeIdentity.ATTR_DATASET, A)));
        assertEquals(Optional.empty(), NodeIdentity.of(Map.of(NodeIdentity.ATTR_VERSION, "1.0")));
        assertEquals(Optional.empty(), NodeIdentity.of(Map.of(NodeIdentity.ATTR_VERSION, "1.0",
                NodeIdentity.ATTR_DATASET, "short")));
        assertNotEquals(A, B);
    }
}
