package io.henas.serve;

import java.util.concurrent.locks.ReentrantLock;

import io.henas.infer.InferenceServer;

/**
 * One client's session: its evaluation keys, held by an {@link InferenceServer} (no secret key). Queries of one
 * session run one at a time ({@link #lock}). A retired session (deleted or evicted) closes its evaluator once its
 * last query has finished.
 */
final class Session {
    final String id;
    final long keyBytes;
    final ReentrantLock lock = new ReentrantLock();
    private final InferenceServer server;
    private final Runnable onClose;
    private int inUse;
    private boolean retired;
    private boolean closed;

    Session(String id, long keyBytes, InferenceServer server, Runnable onClose) {
        this.id = id;
        this.keyBytes = keyBytes;
        this.server = server;
        this.onClose = onClose;
    }

    /** The evaluator; call between {@link #acquire} and {@link #release} while holding {@link #lock}. */
    InferenceServer server() {
        return server;
    }

    /** Marks one query in progress; false if the session was retired meanwhile. */
    synchronized boolean acquire() {
        if (retired) {
            return false;
        }
        inUse++;
        return true;
    }

    synchronized void release() {
        inUse--;
        closeIfIdle();
    }

    /** Deleted or evicted: no new queries; the evaluator closes when the running ones end. */
    synchronized void retire() {
        retired = true;
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (retired && inUse == 0 && !closed) {
            closed = true;
            server.close();
            onClose.run();
        }
    }
}
