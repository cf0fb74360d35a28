package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BuildInfoTest {
    @Test
    void theBuildRecordsTheCommitAsAResource() {
        // written by the build (generate-resources), so present whenever Maven ran the tests
        assertNotNull(BuildInfo.class.getResourceAsStream(BuildInfo.RESOURCE), BuildInfo.RESOURCE);
        String c = BuildInfo.commit();
        assertTrue(c.equals("unknown") || c.matches("[0-9a-f]{40}"), c);
    }

    @Test
    void aMissingOrMalformedRecordIsUnknown() {
        assertEquals("unknown", BuildInfo.commit(BuildInfo.load(null)));
        String sha = "0123456789abcdef0123456789abcdef01234567";
        assertEquals(sha, BuildInfo.commit(BuildInfo.load(stream("commit=" + sha + "\ndirty=false\n"))));
        assertEquals("unknown", BuildInfo.commit(BuildInfo.load(stream("commit=${git.commit}\n"))));
        assertEquals("unknown", BuildInfo.commit(BuildInfo.load(stream("commit=fatal: not a git repository\n"))));
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
