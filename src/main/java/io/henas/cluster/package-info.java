/**
 * Distributed candidate evaluation on Hazelcast 5.5: {@link io.henas.cluster.ClusterWorker} evaluation members
 * ({@code henas worker}, {@link io.henas.cluster.WorkerCommand}) and {@link io.henas.cluster.ClusterBackend}, the
 * {@code search.EvaluationBackend} a search uses with {@code --cluster} (without it the search stays on its local
 * pool). The search process is a Hazelcast lite member: it sees membership directly and ships
 * {@link io.henas.cluster.EvaluationTask}s (job = {@link io.henas.cluster.JobSpec}: evaluator factory class and
 * settings; candidate = genes, key, description) to chosen workers; results come back and are committed by the
 * search in its own {@code trials.db}. Workers build the evaluator with the job's
 * {@link io.henas.cluster.EvaluatorFactory}, so local and remote evaluation run the same code.
 *
 * <p>Membership: explicit TCP/IP member list, multicast and auto-discovery off, a cluster name, a bind address
 * (default 127.0.0.1, never all interfaces; {@link io.henas.cluster.ClusterConfig}); Java deserialization limited to
 * JDK, Hazelcast and henas classes. Members announce a {@link io.henas.cluster.NodeIdentity} (henas version, dataset
 * SHA-256) as member attributes; the search ships work only to workers with its own identity and a mismatched worker
 * exits with the reason.
 *
 * <p>Authentication: a shared {@link io.henas.cluster.ClusterSecret} (required off loopback) keys an HMAC-SHA256
 * ({@link io.henas.cluster.ClusterAuth}) over every task (with a nonce used once and a time within 10 minutes),
 * every result (bound to its task's nonce) and every role announcement. A member without the secret can join at the
 * Hazelcast level (open source has no member authentication) but its tasks are refused before any class is loaded,
 * its announcements are ignored (no worker leaves because of them) and a search uses no worker it cannot verify.
 *
 * <p>Faults: evaluations of a worker that leaves are re-run elsewhere; the first result per candidate wins, so each
 * is reported exactly once. No traffic is encrypted (Hazelcast open source has no TLS): run clusters on a trusted,
 * isolated network or inside a VPN/WireGuard/SSH tunnel.
 *
 * <p>May depend on: {@code search}, {@code data} and everything below {@code search}.
 */
package io.henas.cluster;
