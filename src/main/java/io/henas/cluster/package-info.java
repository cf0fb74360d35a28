/**
 * Distributed candidate evaluation on Hazelcast: worker members and the cluster evaluator used by the search.
 * May depend on: {@code search} and everything below it.
 */
package io.henas.cluster;
