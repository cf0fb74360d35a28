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
 * <p>Membership: explicit TCP/IP member list, multicast and auto-discovery off, a cluster name, optional bind
 * address ({@link io.henas.cluster.ClusterConfig}); Java deserialization limited to JDK, Hazelcast and henas classes.
 * Members announce a {@link io.henas.cluster.NodeIdentity} (henas version, dataset SHA-256) as member attributes; the
 * search ships work only to workers with its own identity and a mismatched worker exits with the reason.
 *
 * <p>Faults: evaluations of a worker that leaves are re-run elsewhere; the first result per candidate wins, so each
 * is reported exactly once. No traffic is encrypted (Hazelcast open source has no TLS): run clusters on a trusted,
 * isolated network or inside a VPN/WireGuard/SSH tunnel.
 *
 * <p>May depend on: {@code search}, {@code data} and everything below {@code search}.
 */
package io.henas.cluster;
