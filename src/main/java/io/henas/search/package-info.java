/**
 * The batch NAS job: Jenetics NSGA-II over a search space, candidate evaluation (proxy training + HE cost), the
 * trials store, resume, the Pareto report and the knee model. May depend on: {@code space}, {@code ir}, {@code train},
 * {@code data}, {@code cost}, {@code he}, {@code export}, {@code ckks}, {@code rlwe}, {@code ring}.
 */
package io.henas.search;
