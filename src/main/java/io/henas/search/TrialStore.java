package io.henas.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code trials.db}: an SQLite database (WAL journal, synchronous=FULL) with one row per evaluated candidate,
 * committed as each evaluation finishes, plus a {@code meta} table (seed, population, space hash) and a
 * {@code generations} log. Survives {@code kill -9}: every committed row is there on resume. Thread-safe (one
 * connection, synchronized).
 */
public final class TrialStore implements AutoCloseable {
    /** The columns of {@code trials}, in order (also the header of {@code trials.csv}). */
    public static final List<String> COLUMNS = List.of("trial_id", "generation", "reference", "genotype", "key",
            "label", "status", "accuracy", "latency_s", "depth", "log_n", "train_seconds", "failure_reason",
            "started_at", "finished_at", "architecture", "key_bytes", "images_per_run");

    private final Path file;
    private final Connection db;

    private TrialStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating if needed) the database at {@code file}. */
    public static TrialStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
                RunDirectoryLock.checkIntegrity(s, file);
                s.execute("""
                        CREATE TABLE IF NOT EXISTS trials (
                          trial_id INTEGER PRIMARY KEY,
                          generation INTEGER NOT NULL,
                          reference INTEGER NOT NULL,
                          genotype TEXT NOT NULL,
                          key TEXT NOT NULL UNIQUE,
                          label TEXT NOT NULL,
                          status TEXT NOT NULL,
                          accuracy REAL,
                          latency_s REAL,
                          depth INTEGER,
                          log_n INTEGER,
                          train_seconds REAL,
                          failure_reason TEXT NOT NULL,
                          started_at TEXT NOT NULL,
                          finished_at TEXT NOT NULL,
                          architecture TEXT NOT NULL,
                          key_bytes INTEGER,
                          images_per_run INTEGER)""");
                s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS generations (
                          generation INTEGER PRIMARY KEY,
                          front INTEGER NOT NULL,
                          evaluations INTEGER NOT NULL,
                          rejected INTEGER NOT NULL,
                          best_accuracy REAL,
                          fastest_latency_s REAL,
                          finished_at TEXT NOT NULL)""");
                migrate(s);
            }
            return new TrialStore(file, c);
        } catch (SQLException | java.io.IOException e) {
            throw new TrialStoreException("cannot open trials database " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Schema version in {@code PRAGMA user_version}: 0 = before rungs (issue 14), 2 = with {@code rung_results}, 3 =
     * with {@code trials.key_bytes} (evaluation-key memory; NULL in rows of older runs), 4 = with
     * {@code trials.images_per_run} (N/2 under batch packing; NULL in rows of older runs, read as 1: they were all
     * single-packed), 5 = with the cost columns of {@code rung_results} ({@code latency_s, depth, log_n, key_bytes,
     * images_per_run}: the plan of the rung's trained weights; NULL in rows of older runs, which take the trial's).
     */
    public static final int SCHEMA_VERSION = 5;

    /** The columns of {@code rung_results} (rungs 1 and up; rung 0 is the {@code trials} row), in order. */
    public static final List<String> RUNG_COLUMNS = List.of("trial_id", "rung", "train_images", "epochs", "status",
            "accuracy", "train_seconds", "failure_reason", "started_at", "finished_at", "latency_s", "depth", "log_n",
            "key_bytes", "images_per_run");

    /** The cost columns added to {@code rung_results} in schema version 5, with their SQL types. */
    private static final List<String[]> RUNG_COST_COLUMNS = List.of(new String[]{"latency_s", "REAL"},
            new String[]{"depth", "INTEGER"}, new String[]{"log_n", "INTEGER"}, new String[]{"key_bytes", "INTEGER"},
            new String[]{"images_per_run", "INTEGER"});

    /**
     * Brings a database of any earlier version to {@link #SCHEMA_VERSION}: adds the {@code rung_results} table and the
     * {@code all_rungs} view (every rung of every trial, rung 0 from {@code trials}). Old runs have no rows there and
     * read as single-rung runs, so they still resume and report.
     */
    private static void migrate(Statement s) throws SQLException {
        s.execute("""
                CREATE TABLE IF NOT EXISTS rung_results (
                  trial_id INTEGER NOT NULL REFERENCES trials(trial_id),
                  rung INTEGER NOT NULL CHECK (rung >= 1),
                  train_images INTEGER NOT NULL,
                  epochs INTEGER NOT NULL,
                  status TEXT NOT NULL,
                  accuracy REAL,
                  train_seconds REAL,
                  failure_reason TEXT NOT NULL,
                  started_at TEXT NOT NULL,
                  finished_at TEXT NOT NULL,
                  PRIMARY KEY (trial_id, rung))""");
        s.execute("""
                CREATE VIEW IF NOT EXISTS all_rungs AS
                  SELECT trial_id, 0 AS rung, status, accuracy, train_seconds, failure_reason FROM trials
                  UNION ALL
                  SELECT trial_id, rung, status, accuracy, train_seconds, failure_reason FROM rung_results""");
        addMissingColumns(s, "trials", List.of(new String[]{"key_bytes", "INTEGER"},
                new String[]{"images_per_run", "INTEGER"}));
        addMissingColumns(s, "rung_results", RUNG_COST_COLUMNS);
        try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
            int v = r.next() ? r.getInt(1) : 0;
            if (v < SCHEMA_VERSION) {
                s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            }
        }
    }

    /** Adds each {@code {name, type}} column {@code table} lacks (a migration step; existing rows get NULL). */
    private static void addMissingColumns(Statement s, String table, List<String[]> columns) throws SQLException {
        java.util.Set<String> have = new java.util.HashSet<>();
        try (ResultSet r = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (r.next()) {
                have.add(r.getString("name"));
            }
        }
        for (String[] c : columns) {
            if (!have.contains(c[0])) {
                s.execute("ALTER TABLE " + table + " ADD COLUMN " + c[0] + " " + c[1]);
            }
        }
    }

    /** Inserts (and commits) one rung result; a second result for the same trial and rung is an error. */
    public synchronized void insertRung(RungResult g) {
        String sql = "INSERT INTO rung_results (" + String.join(", ", RUNG_COLUMNS) + ") VALUES ("
                + "?, ".repeat(RUNG_COLUMNS.size() - 1) + "?)";
        try (PreparedStatement p = db.prepareStatement(sql)) {
            Evaluation e = g.evaluation();
            p.setInt(1, g.trialId());
            p.setInt(2, g.rung());
            p.setInt(3, g.budget().trainImages());
            p.setInt(4, g.budget().epochs());
            p.setString(5, e.status().name());
            setDouble(p, 6, e.accuracy());
            setDouble(p, 7, e.trainSeconds());
            p.setString(8, e.failureReason());
            p.setString(9, g.started().toString());
            p.setString(10, g.finished().toString());
            // the rung's own cost only when it re-costed its trained weights (else NULL: the trial's cost)
            boolean own = e.logN() > 0;
            setDouble(p, 11, own ? e.latencySeconds() : Double.NaN);
            setInt(p, 12, own ? e.depth() : -1);
            setInt(p, 13, own ? e.logN() : -1);
            if (own && e.keyBytes() >= 0) {
                p.setLong(14, e.keyBytes());
            } else {
                p.setNull(14, java.sql.Types.INTEGER);
            }
            setInt(p, 15, own ? e.imagesPerRun() : -1);
            p.executeUpdate();
        } catch (SQLException ex) {
            throw new TrialStoreException("cannot store rung " + g.rung() + " of trial " + g.trialId() + " in " + file
                    + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Every stored rung result (rungs &gt;= 1), by trial id then rung. Latency, depth, logN, key memory and images per
     * run are the rung's own when it re-costed its trained weights, else taken from the trial's row, as
     * {@link Rungs#onRung} made them.
     */
    public synchronized List<RungResult> rungResults() {
        List<RungResult> out = new ArrayList<>();
        String sql = "SELECT g.trial_id, g.rung, g.train_images, g.epochs, g.status, g.accuracy, g.train_seconds, "
                + "g.failure_reason, g.started_at, g.finished_at, "
                + "CASE WHEN g.log_n IS NULL THEN t.latency_s ELSE g.latency_s END, "
                + "CASE WHEN g.log_n IS NULL THEN t.depth ELSE g.depth END, COALESCE(g.log_n, t.log_n), "
                + "CASE WHEN g.log_n IS NULL THEN t.key_bytes ELSE g.key_bytes END, "
                + "CASE WHEN g.log_n IS NULL THEN t.images_per_run ELSE g.images_per_run END FROM rung_results g "
                + "JOIN trials t ON t.trial_id = g.trial_id ORDER BY g.trial_id, g.rung";
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                Evaluation e = new Evaluation(Evaluation.Status.valueOf(r.getString(5)), getDouble(r, 6),
                        getDouble(r, 11), getInt(r, 12), getInt(r, 13), getDouble(r, 7), r.getString(8),
                        r.getObject(14) == null ? -1 : r.getLong(14), r.getObject(15) == null ? 1 : r.getInt(15));
                out.add(new RungResult(r.getInt(1), r.getInt(2), new RungPlan.Rung(r.getInt(3), r.getInt(4)), e,
                        Instant.parse(r.getString(9)), Instant.parse(r.getString(10))));
            }
        } catch (SQLException | RuntimeException ex) {
            throw new TrialStoreException("cannot read rung results from " + file + ": " + ex.getMessage(), ex);
        }
        return out;
    }

    /** {@code PRAGMA user_version} of the open database. */
    public synchronized int schemaVersion() {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            return r.next() ? r.getInt(1) : 0;
        } catch (SQLException ex) {
            throw new TrialStoreException("cannot read the schema version of " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Where the database lives. */
    public Path file() {
        return file;
    }

    /** Inserts (and commits) one trial; a second trial with the same id or key is an error. */
    public synchronized void insert(Trial t) {
        String sql = "INSERT INTO trials (" + String.join(", ", COLUMNS) + ") VALUES ("
                + "?, ".repeat(COLUMNS.size() - 1) + "?)";
        try (PreparedStatement p = db.prepareStatement(sql)) {
            Evaluation e = t.evaluation();
            p.setInt(1, t.id());
            p.setInt(2, t.generation());
            p.setInt(3, t.reference() ? 1 : 0);
            p.setString(4, genotypeText(t.genes()));
            p.setString(5, t.key());
            p.setString(6, t.label());
            p.setString(7, e.status().name());
            setDouble(p, 8, e.accuracy());
            setDouble(p, 9, e.latencySeconds());
            setInt(p, 10, e.depth());
            setInt(p, 11, e.logN());
            setDouble(p, 12, e.trainSeconds());
            p.setString(13, e.failureReason());
            p.setString(14, t.started().toString());
            p.setString(15, t.finished().toString());
            p.setString(16, t.description());
            if (e.keyBytes() >= 0) {
                p.setLong(17, e.keyBytes());
            } else {
                p.setNull(17, java.sql.Types.INTEGER);
            }
            p.setInt(18, e.imagesPerRun());
            p.executeUpdate();
        } catch (SQLException ex) {
            throw new TrialStoreException("cannot store trial " + t.id() + " (" + t.key() + ") in " + file + ": "
                    + ex.getMessage(), ex);
        }
    }

    /** All trials ordered by id. */
    public synchronized List<Trial> all() {
        List<Trial> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT " + String.join(", ", COLUMNS) + " FROM trials ORDER BY trial_id")) {
            while (r.next()) {
                Evaluation e = new Evaluation(Evaluation.Status.valueOf(r.getString(7)), getDouble(r, 8),
                        getDouble(r, 9), getInt(r, 10), getInt(r, 11), getDouble(r, 12), r.getString(13),
                        r.getObject(17) == null ? -1 : r.getLong(17), r.getObject(18) == null ? 1 : r.getInt(18));
                out.add(new Trial(r.getInt(1), r.getInt(2), r.getInt(3) != 0, parseGenotype(r.getString(4)),
                        r.getString(5), r.getString(6), r.getString(16), e, Instant.parse(r.getString(14)),
                        Instant.parse(r.getString(15))));
            }
        } catch (SQLException | RuntimeException ex) {
            throw new TrialStoreException("cannot read trials from " + file + ": " + ex.getMessage(), ex);
        }
        return out;
    }

    /** Number of stored trials. */
    public synchronized int count() {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM trials")) {
            return r.next() ? r.getInt(1) : 0;
        } catch (SQLException ex) {
            throw new TrialStoreException("cannot count trials in " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** A value of the {@code meta} table. */
    public synchronized Optional<String> meta(String name) {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException ex) {
            throw new TrialStoreException("cannot read meta." + name + " from " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Sets a value of the {@code meta} table. */
    public synchronized void putMeta(String name, String value) {
        try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)")) {
            p.setString(1, name);
            p.setString(2, value);
            p.executeUpdate();
        } catch (SQLException ex) {
            throw new TrialStoreException("cannot write meta." + name + " to " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Records (or replaces, on replay) one generation's summary. */
    public synchronized void putGeneration(GenerationStats g) {
        try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO generations (generation, front, "
                + "evaluations, rejected, best_accuracy, fastest_latency_s, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setInt(1, g.generation());
            p.setInt(2, g.frontSize());
            p.setInt(3, g.evaluations());
            p.setInt(4, g.rejected());
            setDouble(p, 5, g.bestAccuracy());
            setDouble(p, 6, g.fastestLatencySeconds());
            p.setString(7, Instant.now().toString());
            p.executeUpdate();
        } catch (SQLException ex) {
            throw new TrialStoreException("cannot record generation " + g.generation() + " in " + file + ": "
                    + ex.getMessage(), ex);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ex) {
            throw new TrialStoreException("cannot close " + file + ": " + ex.getMessage(), ex);
        }
    }

    static String genotypeText(List<Integer> genes) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < genes.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(genes.get(i));
        }
        return sb.append(']').toString();
    }

    static List<Integer> parseGenotype(String text) {
        String s = text.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new IllegalArgumentException("genotype must look like [1,0,2], but was '" + text + "'");
        }
        String body = s.substring(1, s.length() - 1).strip();
        List<Integer> out = new ArrayList<>();
        if (!body.isEmpty()) {
            for (String part : body.split(",")) {
                out.add(Integer.parseInt(part.strip()));
            }
        }
        return out;
    }

    private static void setDouble(PreparedStatement p, int i, double v) throws SQLException {
        if (Double.isFinite(v)) {
            p.setDouble(i, v);
        } else {
            p.setNull(i, Types.REAL);
        }
    }

    private static void setInt(PreparedStatement p, int i, int v) throws SQLException {
        if (v >= 0) {
            p.setInt(i, v);
        } else {
            p.setNull(i, Types.INTEGER);
        }
    }

    private static double getDouble(ResultSet r, int i) throws SQLException {
        double v = r.getDouble(i);
        return r.wasNull() ? Double.NaN : v;
    }

    private static int getInt(ResultSet r, int i) throws SQLException {
        int v = r.getInt(i);
        return r.wasNull() ? -1 : v;
    }

    /** The trials database cannot be opened, read or written. */
    public static final class TrialStoreException extends RuntimeException {
        TrialStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
