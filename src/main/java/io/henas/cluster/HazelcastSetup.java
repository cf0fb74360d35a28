package io.henas.cluster;

import java.util.Map;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;

/**
 * The one place a Hazelcast member is configured: explicit TCP/IP join on the given member list, multicast and every
 * auto-discovery off, the given cluster name, optional bind address, fast failure detection, no phone-home, and a
 * Java deserialization allow-list (JDK, Hazelcast and henas classes only).
 */
final class HazelcastSetup {
    /** Name of the executor that runs evaluations on workers. */
    static final String EXECUTOR = "henas-evaluations";

    private HazelcastSetup() {
    }

    /**
     * @param cluster      where to join
     * @param attributes   member attributes (role, identity, cores, slots)
     * @param lite         a lite member (holds no data; the search) or a full member (a worker)
     * @param userContext  objects for tasks running on this member (the worker runtime), may be empty
     * @param executorPool threads of the evaluation executor on this member
     */
    static Config config(ClusterConfig cluster, Map<String, String> attributes, boolean lite,
            Map<String, Object> userContext, int executorPool) {
        quietHazelcastLogs();
        Config c = new Config();
        c.setInstanceName("henas-" + attributes.getOrDefault(NodeIdentity.ATTR_ROLE, "member") + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8));
        c.setClusterName(cluster.clusterName());
        c.setLiteMember(lite);
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        // no Hazelcast shutdown hook: RejoiningMember's marks the member as stopping before it leaves gracefully
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(cluster.memberTimeout().toSeconds()));
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.wait.seconds.before.join", "1");
        c.setProperty("hazelcast.max.wait.seconds.before.join", "3");
        c.getJetConfig().setEnabled(false);

        NetworkConfig net = c.getNetworkConfig();
        if (cluster.port() == 0) {
            net.setPort(ClusterConfig.DEFAULT_PORT).setPortAutoIncrement(true).setPortCount(100);
        } else {
            net.setPort(cluster.port()).setPortAutoIncrement(false);
        }
        // bind to the given address only (default loopback), never to all interfaces
        c.setProperty("hazelcast.socket.bind.any", "false");
        net.getInterfaces().setEnabled(true).addInterface(ipOf(cluster.bindAddress()));
        net.setPublicAddress(null);
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members()).setConnectionTimeoutSeconds(5);

        JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig();
        filter.getWhitelist().addPrefixes("java.", "com.hazelcast.", "io.henas.", "[");
        c.getSerializationConfig().setJavaSerializationFilterConfig(filter);

        attributes.forEach((k, v) -> c.getMemberAttributeConfig().setAttribute(k, v));
        c.getUserContext().putAll(userContext);
        c.getExecutorConfig(EXECUTOR).setPoolSize(Math.max(1, executorPool)).setStatisticsEnabled(false);
        return c;
    }

    /**
     * Hazelcast logs every lost connection at WARN; henas reports the events that matter (worker joined, left,
     * refused, evaluation re-run) itself, so Hazelcast's own loggers are set to ERROR unless the user chose a level
     * ({@code -Dorg.slf4j.simpleLogger.log.com.hazelcast=...}) or asked for debug output ({@code -v}).
     */
    static void quietHazelcastLogs() {
        String key = "org.slf4j.simpleLogger.log.com.hazelcast";
        if (System.getProperty(key) == null
                && !"debug".equals(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"))) {
            System.setProperty(key, "error");
        }
    }

    /** Hazelcast's interface list takes IP addresses: a host name is resolved here. */
    private static String ipOf(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            return java.net.InetAddress.getByName(h).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("bind address " + host + " must resolve, but does not", e);
        }
    }

    /** The payload of a member's sealed role announcement. */
    static String[] announcement(ClusterConfig cluster, Map<String, String> attributes) {
        return new String[]{cluster.clusterName(), attributes.get(NodeIdentity.ATTR_ROLE),
                attributes.get(NodeIdentity.ATTR_VERSION), attributes.get(NodeIdentity.ATTR_DATASET),
                attributes.get(NodeIdentity.ATTR_CORES), attributes.get(NodeIdentity.ATTR_SLOTS)};
    }

    /** Adds the sealed announcement attribute to {@code attributes} (a copy). */
    static Map<String, String> sealed(ClusterConfig cluster, ClusterAuth auth, Map<String, String> attributes) {
        Map<String, String> out = new java.util.HashMap<>(attributes);
        if (auth.enabled()) {
            out.put(NodeIdentity.ATTR_AUTH, auth.seal(announcement(cluster, attributes)).text());
        }
        return out;
    }

    /** Why a member's announcement cannot be trusted, or null. */
    static String checkAnnouncement(ClusterConfig cluster, ClusterAuth auth, com.hazelcast.cluster.Member m) {
        return auth.checkMac(ClusterAuth.Seal.parse(m.getAttribute(NodeIdentity.ATTR_AUTH)),
                announcement(cluster, m.getAttributes()));
    }

    /** {@code host:port} of a member address. */
    static String address(com.hazelcast.cluster.Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }
}
