package io.henas.cluster;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.henas.search.CandidateEvaluator;

/**
 * A worker member's local state, reachable from tasks through the Hazelcast user context: its identity, its
 * environment, and the evaluator of each recent search (created once per search from the job's factory).
 */
final class WorkerRuntime {
    /** Key of this object in the Hazelcast user context. */
    static final String CONTEXT_KEY = "henas.worker";
    private static final int KEEP_JOBS = 4;

    private final NodeIdentity identity;
    private final WorkerEnvironment environment;
    private final Map<String, Prepared<?>> jobs = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Prepared<?>> eldest) {
            return size() > KEEP_JOBS;
        }
    };

    private final java.util.function.Consumer<String> log;

    private final ClusterAuth auth;

    WorkerRuntime(NodeIdentity identity, WorkerEnvironment environment, java.util.function.Consumer<String> log,
            ClusterAuth auth) {
        this.auth = auth;
        this.identity = identity;
        this.environment = environment;
        this.log = log;
    }

    private final java.util.Set<String> refusals = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Logs a refusal once (the same refusal repeated is not printed again). */
    void refusal(String line) {
        if (refusals.size() < 1000 && refusals.add(line.replaceAll("for \\S+ ", ""))) {
            log.accept(line);
        }
    }

    /** Writes a progress line (standard error for the worker command). */
    void log(String line) {
        log.accept(line);
    }

    ClusterAuth auth() {
        return auth;
    }

    NodeIdentity identity() {
        return identity;
    }

    /** A factory and the evaluator it made for one search. */
    record Prepared<T>(EvaluatorFactory<T> factory, CandidateEvaluator<T> evaluator) {
    }

    /** The evaluator of job {@code jobId}, created on first use. */
    synchronized Prepared<?> prepare(String jobId, JobSpec spec) throws Exception {
        Prepared<?> p = jobs.get(jobId);
        if (p == null) {
            p = create(spec);
            jobs.put(jobId, p);
        }
        return p;
    }

    private <T> Prepared<T> create(JobSpec spec) throws Exception {
        EvaluatorFactory<T> factory = instantiate(spec.factoryClass());
        CandidateEvaluator<T> evaluator = factory.create(spec.settings(), environment);
        if (evaluator == null) {
            throw new IllegalStateException(spec.factoryClass() + ".create returned null");
        }
        return new Prepared<>(factory, evaluator);
    }

    @SuppressWarnings("unchecked")
    static <T> EvaluatorFactory<T> instantiate(String className) {
        Class<?> c;
        try {
            // not initialised here: no static initialiser of a class runs before its type is checked
            c = Class.forName(className, false, WorkerRuntime.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("evaluator factory " + className + " is not on this worker's class path"
                    + " (is the worker running the same henas jar as the search?)", e);
        }
        if (!EvaluatorFactory.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("evaluator factory " + className + " must implement "
                    + EvaluatorFactory.class.getName() + ", but does not");
        }
        try {
            return (EvaluatorFactory<T>) c.getConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new IllegalArgumentException("evaluator factory " + className
                    + " must be a public class with a public no-argument constructor: " + e, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("constructing evaluator factory " + className + " failed: "
                    + e.getCause(), e.getCause());
        }
    }
}
