package io.henas.cluster;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What every evaluation of one search shares, shipped with each task: the {@link EvaluatorFactory} class that builds
 * the evaluator on the worker and the settings it needs (training budget, data reference, run seed ...; strings so
 * that nothing but JDK types crosses the wire).
 *
 * @param factoryClass         binary name of a public {@link EvaluatorFactory} with a public no-argument constructor
 * @param settings             the factory's settings
 * @param threadsPerEvaluation threads one evaluation keeps busy: a worker with {@code c} cores runs
 *                             {@code max(1, c / threadsPerEvaluation)} at once unless it was started with
 *                             {@code --slots}
 */
public record JobSpec(String factoryClass, Map<String, String> settings, int threadsPerEvaluation)
        implements Serializable {
    public JobSpec {
        Objects.requireNonNull(factoryClass, "factoryClass");
        if (!factoryClass.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.$]*")) {
            throw new IllegalArgumentException("factoryClass must be a Java class name, but was '" + factoryClass + "'");
        }
        settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
        if (threadsPerEvaluation < 1) {
            throw new IllegalArgumentException("threadsPerEvaluation must be >= 1, but was " + threadsPerEvaluation);
        }
    }

    /**
     * The evaluator this job's factory makes, built in this process: what a local search should use so that local
     * and cluster evaluations run the same code.
     */
    public <T> io.henas.search.CandidateEvaluator<T> localEvaluator(WorkerEnvironment environment) throws Exception {
        EvaluatorFactory<T> f = WorkerRuntime.instantiate(factoryClass);
        return java.util.Objects.requireNonNull(f.create(settings, environment), factoryClass
                + ".create returned null");
    }

    /** A job for {@code factory}. */
    public static JobSpec of(Class<? extends EvaluatorFactory<?>> factory, Map<String, String> settings,
            int threadsPerEvaluation) {
        return new JobSpec(factory.getName(), settings, threadsPerEvaluation);
    }
}
