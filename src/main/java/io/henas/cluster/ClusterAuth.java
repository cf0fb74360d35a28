package io.henas.cluster;

import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One member's view of the cluster secret: seals outgoing messages (a random nonce, the time and an HMAC over the
 * payload, nonce and time) and checks incoming ones. Tasks must be fresh (within {@link #WINDOW} of this member's
 * clock) and each nonce is accepted once (replay). Role announcements are checked by MAC only (they live as long as
 * the member). Without a secret (a loopback-only cluster) seals are empty and only empty seals are accepted; a
 * sealed message reaching a member without a secret, or the reverse, is refused.
 */
final class ClusterAuth {
    /** How far a task's time may be from this member's clock. */
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterSecret secret;
    private final Map<String, Long> seen = new LinkedHashMap<>();

    ClusterAuth(ClusterSecret secret) {
        this.secret = secret;
    }

    boolean enabled() {
        return secret != null;
    }

    /** Nonce, time and MAC of one message. */
    record Seal(String nonce, long millis, String mac) implements Serializable {
        /** The compact attribute form {@code nonce.millis.mac}. */
        String text() {
            return nonce + "." + millis + "." + mac;
        }

        static Seal parse(String text) {
            if (text == null) {
                return null;
            }
            String[] p = text.split("\\.", -1);
            if (p.length != 3) {
                return null;
            }
            try {
                return new Seal(p[0], Long.parseLong(p[1]), p[2]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    Seal seal(String... payload) {
        if (secret == null) {
            return new Seal("", 0, "");
        }
        byte[] n = new byte[16];
        RANDOM.nextBytes(n);
        String nonce = HexFormat.of().formatHex(n);
        long now = System.currentTimeMillis();
        return new Seal(nonce, now, secret.mac(with(payload, nonce, Long.toString(now))));
    }

    /** Why the sealed message cannot be trusted, or null if it can (MAC only: no time or replay check). */
    String checkMac(Seal s, String... payload) {
        if (secret == null) {
            return s == null || s.mac().isEmpty() ? null : "it is authenticated with a cluster secret, but this member"
                    + " has none (pass the same --secret-file or " + ClusterSecret.ENV + ")";
        }
        if (s == null || s.mac().isEmpty()) {
            return "it carries no authentication for this cluster's secret (is it started with the same --secret-file"
                    + " or " + ClusterSecret.ENV + "?)";
        }
        if (!secret.verifies(s.mac(), with(payload, s.nonce(), Long.toString(s.millis())))) {
            return "its authentication does not verify under this cluster's secret (another secret, or forged)";
        }
        return null;
    }

    /** As {@link #checkMac}, and the seal must be fresh and its nonce unseen (tasks). */
    synchronized String checkFresh(Seal s, String... payload) {
        String bad = checkMac(s, payload);
        if (bad != null || secret == null) {
            return bad;
        }
        long now = System.currentTimeMillis();
        if (Math.abs(now - s.millis()) > WINDOW.toMillis()) {
            return "it was sealed at " + java.time.Instant.ofEpochMilli(s.millis()) + ", outside the "
                    + WINDOW.toMinutes() + "-minute window around this member's clock (replayed, or clocks apart)";
        }
        for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() < now - 2 * WINDOW.toMillis()) {
                it.remove();
            } else {
                break;
            }
        }
        if (seen.putIfAbsent(s.nonce(), now) != null) {
            return "its nonce was already used (a replayed message)";
        }
        return null;
    }

    private static String[] with(String[] payload, String nonce, String millis) {
        String[] all = java.util.Arrays.copyOf(payload, payload.length + 2);
        all[payload.length] = nonce;
        all[payload.length + 1] = millis;
        return all;
    }
}
