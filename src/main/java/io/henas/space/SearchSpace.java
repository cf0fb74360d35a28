package io.henas.space;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.henas.ir.Architecture;
import io.henas.ir.Shape;

/**
 * A loaded search space: the genes (discrete choices) of its network, how a gene vector decodes to an
 * {@link Architecture}, the reference architectures, the training budgets and the search and HE settings.
 * Immutable; load with {@link SpaceLoader}.
 *
 * <p>Genes are the choice lists written in the file, in file order (line, then column), that can influence the
 * network; a choice list written once (in {@code defaults} or on a stage) is one gene shared by every block that
 * inherits it. Fixed values are not genes.
 */
public final class SearchSpace {
    private final String name;
    private final String description;
    private final Path source;
    private final Dataset dataset;
    private final NetTemplate net;
    private final List<Gene> genes;
    private final List<Param.Choice<?>> geneParams;
    private final Map<String, Integer> geneIndex;
    private final List<Architecture> references;
    private final TrainBudget proxy;
    private final TrainBudget full;
    private final List<TrainBudget> rungs;
    private final double promote;
    private final SearchSettings search;
    private final HeSettings he;
    private final String sha256;

    SearchSpace(String name, String description, Path source, Dataset dataset, NetTemplate net,
                List<Architecture> references, TrainBudget proxy, TrainBudget full, SearchSettings search,
                HeSettings he, String sha256) {
        this(name, description, source, dataset, net, references, proxy, full, List.of(), 1.0, search, he, sha256);
    }

    SearchSpace(String name, String description, Path source, Dataset dataset, NetTemplate net,
                List<Architecture> references, TrainBudget proxy, TrainBudget full, List<TrainBudget> rungs,
                double promote, SearchSettings search, HeSettings he, String sha256) {
        this.rungs = List.copyOf(rungs);
        if (!(promote > 0 && promote <= 1)) {
            throw new IllegalArgumentException("promote must be in (0, 1], but was " + promote);
        }
        this.promote = promote;
        this.name = Objects.requireNonNull(name);
        this.description = Objects.requireNonNull(description);
        this.source = Objects.requireNonNull(source);
        this.dataset = Objects.requireNonNull(dataset);
        this.net = Objects.requireNonNull(net);
        this.references = List.copyOf(references);
        this.proxy = Objects.requireNonNull(proxy);
        this.full = Objects.requireNonNull(full);
        this.search = Objects.requireNonNull(search);
        this.he = Objects.requireNonNull(he);
        if (search.objectives().contains(Objective.THROUGHPUT) && !he.packing().equals("batch")) {
            throw new IllegalArgumentException("the throughput objective needs he.packing batch, but was "
                    + he.packing());
        }
        this.sha256 = Objects.requireNonNull(sha256);
        Map<String, Param.Choice<?>> byPath = new LinkedHashMap<>();
        for (Param<?> p : net.relevantParams()) {
            if (p instanceof Param.Choice<?> c) {
                byPath.putIfAbsent(c.path(), c);
            }
        }
        List<Param.Choice<?>> ordered = new ArrayList<>(byPath.values());
        ordered.sort(Comparator.<Param.Choice<?>>comparingInt(Param.Choice::line).thenComparingInt(Param.Choice::column));
        this.geneParams = List.copyOf(ordered);
        List<Gene> gs = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (Param.Choice<?> c : ordered) {
            index.put(c.path(), gs.size());
            gs.add(new Gene(c.path(), c.choices()));
        }
        this.genes = List.copyOf(gs);
        this.geneIndex = Map.copyOf(index);
    }

    /** The space's name (the {@code name} key). */
    public String name() {
        return name;
    }

    /** The {@code description} key, or empty. */
    public String description() {
        return description;
    }

    /** The file the space was loaded from (for {@link SpaceLoader#parse} the given file name). */
    public Path source() {
        return source;
    }

    /** The dataset key: {@code fashion-mnist}, {@code mnist}, {@code cifar10}, {@code npz} or {@code folder}. */
    public String dataset() {
        return dataset.key();
    }

    /** The dataset with its shape and split sizes. */
    public Dataset datasetInfo() {
        return dataset;
    }

    /** Input shape (channels x height x width). */
    public Shape input() {
        return dataset.input();
    }

    public int classes() {
        return dataset.classes();
    }

    /** The genes in file order; empty for a fixed space. */
    public List<Gene> genes() {
        return genes;
    }

    /** Number of gene vectors (the product of the cardinalities; several may decode to one architecture). */
    public BigInteger size() {
        BigInteger n = BigInteger.ONE;
        for (Gene g : genes) {
            n = n.multiply(BigInteger.valueOf(g.cardinality()));
        }
        return n;
    }

    /**
     * The architecture for a gene vector ({@code genes[i]} indexes {@code genes().get(i).choices()}), named
     * {@code <space>-<first 12 hex digits of the SHA-256 of its canonical key>}, so equal architectures get equal
     * names.
     *
     * @throws IllegalArgumentException   if the vector has the wrong length or an index out of range
     * @throws InvalidCandidateException if the choices give a network that is not well formed (e.g. a kernel larger
     *                                    than the map, pooling that does not divide it)
     */
    public Architecture decode(int[] genes) {
        Architecture a = decodeNamed(genes, name);
        return rename(a, name + "-" + CanonicalKey.sha256(canonicalKey(a)).substring(0, 12));
    }

    /** The chosen value of every gene, by path, in gene order (for trial records). */
    public Map<String, Object> describe(int[] genes) {
        checkVector(genes);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < this.genes.size(); i++) {
            out.put(this.genes.get(i).path(), this.genes.get(i).choices().get(genes[i]));
        }
        return out;
    }

    /** True when the space has no genes, i.e. it is one architecture. */
    public boolean isFixed() {
        return genes.isEmpty();
    }

    /**
     * The single architecture of a fixed space, named after the space.
     *
     * @throws SpaceException if the space has choices (the message lists them and the line of the first)
     */
    public Architecture fixed() {
        if (!isFixed()) {
            List<String> paths = genes.stream().map(Gene::path).toList();
            throw new SpaceException(source.toString(), geneParams.getFirst().line(), "",
                    "is not a fixed architecture: it has " + genes.size() + " choice lists " + paths
                            + "; cost and train need a file whose every value is fixed");
        }
        return decodeNamed(new int[0], name);
    }

    /** The reference architectures of the {@code references} section, named as there, in file order. */
    public List<Architecture> references() {
        return references;
    }

    /** The proxy-training budget used for every candidate during the search. */
    public TrainBudget proxy() {
        return proxy;
    }

    /**
     * The multi-fidelity rungs of {@code train.rungs}, cheapest first (empty when the space declares none: every
     * candidate is then trained on {@link #proxy()} only). When present, {@code rungs().get(0)} is the proxy.
     */
    public List<TrainBudget> rungs() {
        return rungs;
    }

    /** {@code train.promote}: the fraction of a rung's candidates promoted to the next rung (1 without rungs). */
    public double promote() {
        return promote;
    }

    /** The full-training budget (knee model, {@code henas train}). */
    public TrainBudget full() {
        return full;
    }

    public SearchSettings search() {
        return search;
    }

    public HeSettings he() {
        return he;
    }

    /** Lower-case hex SHA-256 of the normalized content (parsed values, sorted keys; comments and layout ignored). */
    public String sha256() {
        return sha256;
    }

    /**
     * The canonical string of an architecture: input, classes and the lowered primitive operations with their edges,
     * independent of the architecture's name and of how its layers were written. Equal keys mean identical networks
     * (the search caches evaluations by this key).
     */
    public static String canonicalKey(Architecture a) {
        return CanonicalKey.of(a);
    }

    @Override
    public String toString() {
        return "SearchSpace[" + name + ", " + dataset.key() + ", " + genes.size() + " genes, " + size()
                + " vectors, source " + source + "]";
    }

    NetTemplate net() {
        return net;
    }

    Architecture decodeNamed(int[] vector, String archName) {
        checkVector(vector);
        NetTemplate.Values values = new NetTemplate.Values() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T get(Param<T> p) {
                return switch (p) {
                    case Param.Fixed<T> f -> f.value();
                    case Param.Choice<T> c -> {
                        Integer i = geneIndex.get(c.path());
                        if (i == null) {
                            throw new IllegalStateException("choice " + c.path() + " is read but is not a gene");
                        }
                        yield c.choices().get(vector[i]);
                    }
                };
            }
        };
        return net.decode(archName, dataset.input(), dataset.classes(), values);
    }

    private void checkVector(int[] vector) {
        Objects.requireNonNull(vector, "genes");
        if (vector.length != genes.size()) {
            throw new IllegalArgumentException("gene vector must have length " + genes.size() + " for space " + name
                    + ", but had " + vector.length);
        }
        for (int i = 0; i < vector.length; i++) {
            int card = genes.get(i).cardinality();
            if (vector[i] < 0 || vector[i] >= card) {
                throw new IllegalArgumentException("genes[" + i + "] (" + genes.get(i).path() + ") must be in [0, "
                        + card + "), but was " + vector[i]);
            }
        }
    }

    private static Architecture rename(Architecture a, String newName) {
        return new Architecture(newName, a.input(), a.classes(), a.layers());
    }
}
