package io.henas.search;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One search per run directory: an exclusive {@link FileLock} on {@code DIR/}{@value #FILE}, held for the life of the
 * search and released by the operating system when the process dies (also on {@code kill -9}). The file records the
 * holder's pid, host and start time so that a second search can say who holds it.
 */
public final class RunDirectoryLock implements AutoCloseable {
    public static final String FILE = ".henas.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir} (which must exist).
     *
     * @throws RunDirectoryBusyException if another process holds it
     * @throws IOException           if the lock file cannot be created or written
     */
    public static RunDirectoryLock acquire(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            ch.close();
            throw new IOException(f + ": cannot lock the run directory: " + e.getMessage(), e);
        }
        if (l == null) {
            String holder;
            try {
                holder = Files.readString(f, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                holder = "";
            }
            ch.close();
            throw new RunDirectoryBusyException(dir + ": the run directory is in use by another search ("
                    + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for it to finish or stop it, or use"
                    + " another --out");
        }
        String me = "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + java.time.Instant.now();
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new RunDirectoryLock(ch, l);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** Another process holds the run directory (exit 2: not a bug). */
    public static final class RunDirectoryBusyException extends IllegalArgumentException {
        RunDirectoryBusyException(String message) {
            super(message);
        }
    }

    /** The highest generation {@code trialsDb} records as finished (0 if none or unreadable). */
    public static int generationsDone(Path trialsDb) {
        if (!Files.isRegularFile(trialsDb)) {
            return 0;
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + trialsDb.toAbsolutePath());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT MAX(generation) FROM generations")) {
            return r.next() ? r.getInt(1) : 0;
        } catch (SQLException e) {
            return 0;
        }
    }

    /**
     * Fails with a {@link TrialStore.TrialStoreException} naming the file when SQLite's quick check finds the
     * database damaged (a truncated file or an overwritten page), before any trial is read or written.
     */
    static void checkIntegrity(Statement s, Path file) throws SQLException {
        try (ResultSet r = s.executeQuery("PRAGMA quick_check(1)")) {
            String v = r.next() ? r.getString(1) : "no result";
            v = v.replaceAll("\\s*\\R\\s*", "; ").strip();
            v = v.length() > 200 ? v.substring(0, 200) + "..." : v;
            if (!"ok".equalsIgnoreCase(v)) {
                throw new SQLException("[SQLITE_CORRUPT] the database is damaged (" + v + "); restore it from a backup"
                        + " or start a new run in another directory");
            }
        }
    }
}
