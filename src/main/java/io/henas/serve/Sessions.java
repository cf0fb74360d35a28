package io.henas.serve;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions of a server in least-recently-used order, bounded in number and in key bytes: adding a session evicts
 * the least recently used ones until both bounds hold. Thread-safe.
 */
final class Sessions {
    private final Map<String, Session> map = new LinkedHashMap<>(16, 0.75f, true);
    private final int maxSessions;
    private final long maxBytes;
    private long bytes;
    private long evictions;

    Sessions(int maxSessions, long maxBytes) {
        this.maxSessions = maxSessions;
        this.maxBytes = maxBytes;
    }

    /** Adds {@code s} (its keys must fit {@code maxBytes} alone), retiring the sessions it evicts. */
    void add(Session s) {
        List<Session> evicted = new ArrayList<>();
        synchronized (this) {
            Iterator<Session> it = map.values().iterator();
            while (it.hasNext() && (map.size() + 1 > maxSessions || bytes + s.keyBytes > maxBytes)) {
                Session old = it.next();
                it.remove();
                bytes -= old.keyBytes;
                evictions++;
                evicted.add(old);
            }
            map.put(s.id, s);
            bytes += s.keyBytes;
        }
        evicted.forEach(Session::retire);
    }

    /** The session marked in use (release it), or null if unknown, deleted or evicted. */
    Session acquire(String id) {
        Session s;
        synchronized (this) {
            s = map.get(id);
        }
        return s != null && s.acquire() ? s : null;
    }

    /** Removes and retires a session; false if unknown. */
    boolean remove(String id) {
        Session s;
        synchronized (this) {
            s = map.remove(id);
            if (s != null) {
                bytes -= s.keyBytes;
            }
        }
        if (s == null) {
            return false;
        }
        s.retire();
        return true;
    }

    /** Retires every session (server shutdown). */
    void clear() {
        List<Session> all;
        synchronized (this) {
            all = new ArrayList<>(map.values());
            map.clear();
            bytes = 0;
        }
        all.forEach(Session::retire);
    }

    synchronized int size() {
        return map.size();
    }

    synchronized long keyBytes() {
        return bytes;
    }

    synchronized long evictions() {
        return evictions;
    }
}
