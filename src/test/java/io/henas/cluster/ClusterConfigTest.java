package io.henas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.hazelcast.config.Config;

class ClusterConfigTest {

    @Test
    void parsesHostsWithAndWithoutPorts() {
        assertEquals(List.of("10.0.0.5:5701", "node-2", "[::1]:5702"),
                ClusterConfig.parseMembers("10.0.0.5:5701, node-2 ,[::1]:5702"));
    }

    @Test
    void badMemberListsAreRejectedNamingTheEntry() {
        assertEquals("member '10.0.0.5:99999': port must be in [1, 65535], but was 99999",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parseMembers("10.0.0.5:99999"))
                        .getMessage());
        assertEquals("member 'h:x': port must be a number in [1, 65535], but was 'x'",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parseMembers("h:x")).getMessage());
        assertEquals("--cluster must be HOST[:PORT],HOST[:PORT],... without empty entries, but was 'a,,b'",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parseMembers("a,,b")).getMessage());
        assertEquals("member must be HOST or HOST:PORT, but was 'a b'",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parseMembers("a b")).getMessage());
    }

    @Test
    void settingsAreValidated() {
        var b = ClusterConfig.builder(List.of("127.0.0.1"));
        assertEquals("cluster name must be 1-64 characters of [A-Za-z0-9._-], but was 'my cluster'",
                assertThrows(IllegalArgumentException.class, () -> b.clusterName("my cluster").build()).getMessage());
        assertEquals("port must be in [1, 65535] (or 0 = default), but was 70000",
                assertThrows(IllegalArgumentException.class,
                        () -> ClusterConfig.builder(List.of("h")).port(70000).build()).getMessage());
        assertEquals("the member list must name at least one HOST[:PORT], but was empty",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.builder(List.of()).build())
                        .getMessage());
        assertEquals("memberTimeout must be >= 1 s, but was PT0.5S", assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.builder(List.of("h")).memberTimeout(Duration.ofMillis(500)).build()).getMessage());
    }

    @Test
    void theMemberListMatchesHostsWithOrWithoutPorts() throws Exception {
        ClusterConfig c = ClusterConfig.builder(List.of("127.0.0.1:5801", "localhost")).build();
        var loop = java.net.InetAddress.getByName("127.0.0.1");
        assertEquals(true, c.lists(loop, 5801));
        assertEquals(true, c.lists(loop, 6000), "localhost without a port lists every port");
        ClusterConfig onlyPort = ClusterConfig.builder(List.of("127.0.0.1:5801")).build();
        assertEquals(false, onlyPort.lists(loop, 5802));
        assertEquals(false, onlyPort.lists(java.net.InetAddress.getByName("10.1.2.3"), 5801));
    }

    @Test
    void hazelcastGetsAnExplicitMemberListNoMulticastAndTheBindAddress() {
        ClusterConfig c = ClusterConfig.builder(List.of("127.0.0.1:5801", "127.0.0.1:5802")).clusterName("lab")
                .bindAddress("127.0.0.1").port(5802).memberTimeout(Duration.ofSeconds(7)).build();
        Config hz = HazelcastSetup.config(c, java.util.Map.of(NodeIdentity.ATTR_ROLE, "worker"), false,
                java.util.Map.of(), 3);
        var join = hz.getNetworkConfig().getJoin();
        assertEquals("lab", hz.getClusterName());
        assertEquals(false, join.getMulticastConfig().isEnabled());
        assertEquals(false, join.getAutoDetectionConfig().isEnabled());
        assertEquals(true, join.getTcpIpConfig().isEnabled());
        assertEquals(List.of("127.0.0.1:5801", "127.0.0.1:5802"), join.getTcpIpConfig().getMembers());
        assertEquals(5802, hz.getNetworkConfig().getPort());
        assertEquals(false, hz.getNetworkConfig().isPortAutoIncrement());
        assertEquals(List.of("127.0.0.1"), List.copyOf(hz.getNetworkConfig().getInterfaces().getInterfaces()));
        assertEquals("false", hz.getProperty("hazelcast.socket.bind.any"));
        assertEquals("7", hz.getProperty("hazelcast.max.no.heartbeat.seconds"));
        assertEquals(3, hz.getExecutorConfig(HazelcastSetup.EXECUTOR).getPoolSize());
        assertEquals("worker", hz.getMemberAttributeConfig().getAttribute(NodeIdentity.ATTR_ROLE));
        assertEquals(true, hz.getSerializationConfig().getJavaSerializationFilterConfig().getWhitelist()
                .getPrefixes().contains("io.henas."));
    }
}
