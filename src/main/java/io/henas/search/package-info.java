/**
 * The batch NAS job: multi-objective evolutionary search over a search space, parallel candidate evaluation with a
 * cache, the {@code trials.db} store, resume after a crash, and the run report.
 *
 * <p>Entry point: {@link io.henas.search.SearchRunner#run}. The package sees a space only through
 * {@link io.henas.search.CandidateSpace} (integer genes, a decoder that may reject) and evaluation only through
 * {@link io.henas.search.CandidateEvaluator} (one candidate) and {@link io.henas.search.EvaluationBackend} (where a
 * batch runs: {@link io.henas.search.LocalEvaluationPool} here, a cluster backend in {@code io.henas.cluster}). The
 * integrator adapts the YAML space, the HE cost model and the trainer to these (see
 * {@link io.henas.search.StagedEvaluator}).
 *
 * <p>Algorithm: NSGA-II assembled from Jenetics 9 parts rather than {@code io.jenetics.engine.Engine}, because the
 * Engine replaces a fraction of the population per generation (not NSGA-II's parents + offspring survivor selection)
 * and because resume needs exact control of every random draw per generation. Parents:
 * {@code UFTournamentSelector.ofVec()}; variation: {@link io.henas.search.GeneUniformCrossover} (p = 0.9) then
 * Jenetics' {@code Mutator} (per-gene random reset, p = 1/genes); survivors: {@code NSGA2Selector.ofVec()} over
 * parents + offspring. Objectives as {@code Vec<double[]>}, all maximised: accuracy, -latency (and optionally -depth).
 * Constraints: infeasible-last penalty (see {@link io.henas.search.Fitness}).
 *
 * <p>One search per run directory: {@link io.henas.search.RunDirectoryLock} (an OS file lock naming its holder;
 * released when the process dies), and a {@code trials.db} that fails SQLite's quick check is refused on open.
 *
 * <p>Multi-fidelity: with a {@link io.henas.search.RungPlan} of several rungs, each generation's new candidates climb
 * the rungs by successive halving ({@link io.henas.search.Promotion}: non-dominated rank of accuracy vs predicted
 * latency); fitness and the front use each candidate's highest rung; rung results live in {@code rung_results}.
 * {@link io.henas.search.FidelitySample} measures how well each rung ranks candidates like the top one (Kendall tau,
 * Spearman rho). The report ({@code ReportPage}, {@code ReportCharts}, {@code BlockDrawing}) shows front models as
 * layer strings and drawings with their rung accuracies and the commands that reproduce them.
 *
 * <p>May depend on: {@code json} (and, through adapters written by the integrator, {@code space}, {@code ir},
 * {@code train}, {@code data}, {@code cost}, {@code he}, {@code export}, {@code ckks}, {@code rlwe}, {@code ring}).
 */
package io.henas.search;
