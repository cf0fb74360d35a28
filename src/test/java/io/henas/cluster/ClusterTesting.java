package io.henas.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.henas.search.Trial;

/** Shared helpers of the cluster tests (loopback only). */
final class ClusterTesting {
    static final String LOOPBACK = "127.0.0.1";

    private ClusterTesting() {
    }

    /** {@code n} distinct ports free on 127.0.0.1 right now. */
    static int[] freePorts(int n) throws IOException {
        int[] out = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                open.add(s);
                out[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
        return out;
    }

    static int freePortQuietly() {
        try {
            return freePorts(1)[0];
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String member(int port) {
        return LOOPBACK + ":" + port;
    }

    static JobSpec syntheticJob(long iterations, long sleepMs) {
        return JobSpec.of(SyntheticEvaluatorFactory.class, Map.of("iterations", Long.toString(iterations),
                "sleep_ms", Long.toString(sleepMs)), 1);
    }

    static NodeIdentity syntheticIdentity() {
        return NodeIdentity.current(SyntheticEvaluatorFactory.DATASET_SHA256);
    }

    /** What must agree between two runs of one search: ids, generations, keys, measured objectives. */
    static List<String> fingerprint(List<Trial> trials) {
        return trials.stream().map(t -> t.id() + "|" + t.generation() + "|" + t.key() + "|"
                + t.evaluation().status() + "|" + t.evaluation().accuracy() + "|" + t.evaluation().latencySeconds())
                .toList();
    }

    /** (key, count) rows of {@code trials.db} read with plain SQL, to check "exactly once" independently. */
    static Map<String, Integer> keyCounts(Path db) throws Exception {
        Map<String, Integer> m = new java.util.TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT key, COUNT(*) FROM trials GROUP BY key")) {
            while (r.next()) {
                m.put(r.getString(1), r.getInt(2));
            }
        }
        return m;
    }
}
