package io.henas.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a process joins a henas cluster: the cluster name, the explicit TCP/IP member list (multicast and auto-discovery
 * are always off), this member's bind address and port, and the fault-detection timings. Build with
 * {@link #builder(List)} or parse a member list with {@link #parseMembers(String)}.
 *
 * @param clusterName   Hazelcast cluster name; members with another name are not admitted
 * @param members       {@code HOST} or {@code HOST:PORT} of members to contact (port default {@value #DEFAULT_PORT})
 * @param bindAddress   address this member binds to and announces ("" = {@value #DEFAULT_BIND}); never all
 *                      interfaces
 * @param secret        the shared secret authenticating tasks, results and announcements; null only on loopback
 * @param port          port this member listens on; 0 = {@value #DEFAULT_PORT} with auto-increment up to +100
 * @param memberTimeout a member silent for this long is removed (its running evaluations are re-run elsewhere)
 * @param taskTimeout   an evaluation running longer than this is also started on another worker (first result
 *                      wins); {@link Duration#ZERO} = never
 * @param workerWait    how long the search waits for at least one eligible worker before it gives up
 */
public record ClusterConfig(String clusterName, List<String> members, String bindAddress, int port,
        Duration memberTimeout, Duration taskTimeout, Duration workerWait, ClusterSecret secret) {
    /** The address a member binds to without {@code --bind}: loopback only, never all interfaces. */
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** Hazelcast's default member port. */
    public static final int DEFAULT_PORT = 5701;
    /** Default cluster name. */
    public static final String DEFAULT_NAME = "henas";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]");

    public ClusterConfig {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(memberTimeout, "memberTimeout");
        Objects.requireNonNull(taskTimeout, "taskTimeout");
        Objects.requireNonNull(workerWait, "workerWait");
        if (!NAME.matcher(clusterName).matches()) {
            throw new IllegalArgumentException("cluster name must be 1-64 characters of [A-Za-z0-9._-], but was '"
                    + clusterName + "'");
        }
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("the member list must name at least one HOST[:PORT], but was empty");
        }
        for (String m : members) {
            checkMember(m);
        }
        if (bindAddress.isEmpty()) {
            bindAddress = DEFAULT_BIND;
        }
        if (!HOST.matcher(bindAddress).matches()) {
            throw new IllegalArgumentException("bind address must be a host name or IP address, but was '"
                    + bindAddress + "'");
        }
        if (secret == null && !loopback(bindAddress)) {
            throw new IllegalArgumentException("a cluster on a non-loopback address (--bind " + bindAddress + ") needs"
                    + " a shared secret: pass --secret-file FILE or set " + ClusterSecret.ENV + " (the same on every"
                    + " member), e.g. openssl rand -hex 32 > cluster.secret");
        }
        if (port != 0 && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port must be in [1, 65535] (or 0 = default), but was " + port);
        }
        if (memberTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("memberTimeout must be >= 1 s, but was " + memberTimeout);
        }
        if (taskTimeout.isNegative()) {
            throw new IllegalArgumentException("taskTimeout must be >= 0 (0 = none), but was " + taskTimeout);
        }
        if (workerWait.isNegative() || workerWait.isZero()) {
            throw new IllegalArgumentException("workerWait must be > 0, but was " + workerWait);
        }
    }

    /** Whether {@code host} resolves to loopback addresses only (unresolvable: not loopback). */
    static boolean loopback(String host) {
        try {
            java.net.InetAddress[] all = java.net.InetAddress.getAllByName(host.startsWith("[")
                    ? host.substring(1, host.length() - 1) : host);
            return all.length > 0 && java.util.Arrays.stream(all).allMatch(java.net.InetAddress::isLoopbackAddress);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "ClusterConfig[" + clusterName + ", members " + members + ", bind " + bindAddress + ":" + port
                + (secret == null ? ", no secret" : ", secret set") + "]";
    }

    /**
     * The command that starts a worker for this cluster on another machine: the same member list, cluster name and
     * port, with {@code --bind} left for the worker's own address.
     */
    public String workerHint() {
        return "henas worker --cluster " + String.join(",", members) + " --name " + clusterName
                + " --bind <that machine's address>" + " (and the same --secret-file or HENAS_CLUSTER_SECRET)";
    }

    /** Defaults: cluster {@value #DEFAULT_NAME}, no bind address, default port, member timeout 10 s, no task
     * timeout, worker wait 10 minutes. */
    public static Builder builder(List<String> members) {
        return new Builder(members);
    }

    /** A builder with these settings. */
    public Builder toBuilder() {
        return new Builder(members).clusterName(clusterName).bindAddress(bindAddress).port(port).secret(secret)
                .memberTimeout(memberTimeout).taskTimeout(taskTimeout).workerWait(workerWait);
    }

    /**
     * Parses {@code HOST[:PORT],HOST[:PORT],...} (spaces around commas are ignored).
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static List<String> parseMembers(String csv) {
        Objects.requireNonNull(csv, "csv");
        List<String> out = new ArrayList<>();
        for (String part : csv.split(",", -1)) {
            String m = part.strip();
            if (m.isEmpty()) {
                throw new IllegalArgumentException("--cluster must be HOST[:PORT],HOST[:PORT],... without empty "
                        + "entries, but was '" + csv + "'");
            }
            checkMember(m);
            out.add(m);
        }
        return List.copyOf(out);
    }

    private static void checkMember(String m) {
        String host = m;
        int colon = m.lastIndexOf(':');
        if (colon > 0 && !m.endsWith("]")) {
            host = m.substring(0, colon);
            String p = m.substring(colon + 1);
            int port;
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("member '" + m + "': port must be a number in [1, 65535], but was '"
                        + p + "'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("member '" + m + "': port must be in [1, 65535], but was " + port);
            }
        }
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("member must be HOST or HOST:PORT, but was '" + m + "'");
        }
    }

    /**
     * Whether a member at {@code address:port} is on the member list: an entry {@code HOST:PORT} matches that host
     * (any of its resolved addresses) and port, an entry {@code HOST} matches the host on any port. Entries that do
     * not resolve match nothing.
     */
    public boolean lists(java.net.InetAddress address, int port) {
        for (String m : members) {
            String host = m;
            int p = -1;
            int colon = m.lastIndexOf(':');
            if (colon > 0 && !m.endsWith("]")) {
                host = m.substring(0, colon);
                p = Integer.parseInt(m.substring(colon + 1));
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (p >= 0 && p != port) {
                continue;
            }
            try {
                for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                    if (a.equals(address)) {
                        return true;
                    }
                }
            } catch (java.net.UnknownHostException e) {
                // an unresolvable entry lists nobody
            }
        }
        return false;
    }

    /** Builder of {@link ClusterConfig}. */
    public static final class Builder {
        private final List<String> members;
        private String clusterName = DEFAULT_NAME;
        private String bindAddress = DEFAULT_BIND;
        private ClusterSecret secret;
        private int port;
        private Duration memberTimeout = Duration.ofSeconds(10);
        private Duration taskTimeout = Duration.ZERO;
        private Duration workerWait = Duration.ofMinutes(10);

        private Builder(List<String> members) {
            this.members = List.copyOf(members);
        }

        public Builder clusterName(String v) { clusterName = v; return this; }
        public Builder bindAddress(String v) { bindAddress = v == null ? "" : v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder memberTimeout(Duration v) { memberTimeout = v; return this; }
        public Builder taskTimeout(Duration v) { taskTimeout = v; return this; }
        public Builder workerWait(Duration v) { workerWait = v; return this; }
        public Builder secret(ClusterSecret v) { secret = v; return this; }

        public ClusterConfig build() {
            return new ClusterConfig(clusterName, members, bindAddress, port, memberTimeout, taskTimeout, workerWait,
                    secret);
        }
    }
}
