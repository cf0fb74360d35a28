package io.henas.export;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import io.henas.ckks.CkksParameters;
import io.henas.he.CompileOptions;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.he.PlanBinding;
import io.henas.ir.Json;
import io.henas.rlwe.Security;
import io.henas.train.FoldedNet;
import io.henas.train.WeightsJson;

/**
 * A loaded, fully validated {@code .henas} file.
 *
 * <p><b>Format</b> ({@value #FORMAT}, version {@value #VERSION}): a zip archive with these entries, nothing else:
 * <ul>
 *   <li>{@value #MANIFEST} (required, first): {@code {"format": "henas-model", "version": 2, "name", "created",
 *       "entries": {NAME: {"sha256": HEX, "bytes": N}}, "he": {...}, "provenance": {...}}}. {@code he} holds
 *       {@code compile_options} ({@link CompileOptions#toJson}, logN fixed), {@code parameters}
 *       ({@link HeParameters#toJson}: logN, prime bits, special prime bits, scale bits, log_qp, security bits, Galois
 *       steps, precision), {@code primes} and {@code special_primes} (the concrete moduli), {@code secure},
 *       {@code depth}, {@code instructions}, {@code plan_fingerprint} ({@link HePlan#fingerprint}),
 *       {@code plan_format} (the {@link io.henas.he.PlanCodec} version of {@value #PLAN}) and {@code packing}
 *       ({@link io.henas.he.Packing#version} of the stored plan; version-1 files predate it and are block-packed).
 *       {@code provenance} is
 *       {@link Provenance#toJson}.</li>
 *   <li>{@value #NET} (required): the folded network and its weights in train's {@code henas-weights-v1} JSON
 *       ({@link WeightsJson}: nodes with op, inputs, shape and op fields; tensors with shape and data).</li>
 *   <li>{@value #PLAN} (required from version 2): the compiled plan ({@link io.henas.he.PlanCodec}).</li>
 *   <li>{@value #ARCHITECTURE} (optional): the unfolded lowered network (same node schema, no tensors).</li>
 *   <li>{@value #METRICS} (optional): the training metrics.</li>
 *   <li>{@value #DL4J} (optional): the DL4J {@code ComputationGraph} zip for plaintext use.</li>
 * </ul>
 * No key of any kind is stored. Loading checks the magic and version, that every listed entry is present with its
 * size and SHA-256 and no other entry exists, the weights against the network ({@code NetWeights.validateFor}),
 * reads the stored plan and parameters ({@link PlanEntry}: bounded, every operand checked, bound to the weights once,
 * fingerprint equal to the manifest's; the compiler is not run, so a model keeps loading whatever later compilers
 * produce; {@link #verify()} compares with today's compiler), regenerates the primes and validates the chain as
 * 128-bit secure ({@code CkksParameters.of} with {@code HE_STANDARD_128}). A version-1 file (no stored plan) is read
 * as before: its plan is recompiled and must match the recorded fingerprint and parameters. Any failure is an
 * {@link ExportFormatException}.
 */
public final class ExportedModel {
    public static final String FORMAT = "henas-model";
    /** The version written; {@value #PLAN_VERSION} and the previous version 1 (no stored plan) are read. */
    public static final int VERSION = 2;
    /** The first version that stores the compiled plan. */
    public static final int PLAN_VERSION = 2;
    public static final String MANIFEST = "manifest.json";
    public static final String NET = "net.json";
    public static final String ARCHITECTURE = "architecture.json";
    public static final String METRICS = "metrics.json";
    public static final String DL4J = "model.zip";
    public static final String PLAN = "plan.bin";
    private static final Set<String> KNOWN = Set.of(MANIFEST, NET, PLAN, ARCHITECTURE, METRICS, DL4J);
    /** Upper bound on one entry (a zip bomb guard). */
    static final long MAX_ENTRY_BYTES = 1L << 30;

    private final Path file;
    private final String name;
    private final FoldedNet folded;
    private final HePlan plan;
    private final CkksParameters ckks;
    private final Provenance provenance;
    private final String manifestJson;
    private final Map<String, byte[]> entries;

    private ExportedModel(Path file, String name, FoldedNet folded, HePlan plan, CkksParameters ckks,
                          Provenance provenance, String manifestJson, Map<String, byte[]> entries) {
        this.file = file;
        this.name = name;
        this.folded = folded;
        this.plan = plan;
        this.ckks = ckks;
        this.provenance = provenance;
        this.manifestJson = manifestJson;
        this.entries = entries;
    }

    /**
     * Loads and validates a {@code .henas} file; insecure parameters are rejected.
     *
     * @throws ExportFormatException if the file is corrupt, tampered with or not secure
     * @throws NoSuchFileException   if it does not exist
     */
    public static ExportedModel read(Path file) throws IOException {
        return read(file, false);
    }

    /** INSECURE: as {@link #read} but accepts chains beyond the 128-bit bound (tests with small rings only). */
    public static ExportedModel readAllowInsecure(Path file) throws IOException {
        return read(file, true);
    }

    /** A file's validated entries and its parsed manifest (the HE section not yet checked). */
    private record Raw(Map<String, byte[]> entries, Map<String, Object> manifest) {
    }

    /**
     * Reads what an existing {@code .henas} file holds besides its HE section (folded weights, architecture, metrics,
     * DL4J model, provenance; entries checked against their hashes), to re-export it with the current compiler and
     * parameter selector. The HE section is not checked, so files from earlier henas versions load.
     *
     * @return the source and the old manifest (for recording what was re-exported)
     * @throws ExportFormatException if the file is corrupt or tampered with
     */
    public static Map.Entry<ModelSource, Map<String, Object>> readSource(Path file) throws IOException {
        Raw r = readRaw(file);
        String src = file.toString();
        FoldedNet folded = readNet(r.entries().get(NET), src);
        Provenance prov = Provenance.fromJson(obj(r.manifest().get("provenance"), src, "provenance"), src);
        String name = r.manifest().get("name") instanceof String s ? s : "model";
        Map<String, Object> arch = null;
        if (r.entries().containsKey(ARCHITECTURE)) {
            arch = Json.asObject(Json.parse(new String(r.entries().get(ARCHITECTURE), StandardCharsets.UTF_8),
                    src + "!" + ARCHITECTURE), src + "!" + ARCHITECTURE);
        }
        Map<String, Object> metrics = null;
        if (r.entries().containsKey(METRICS)) {
            metrics = Json.asObject(Json.parse(new String(r.entries().get(METRICS), StandardCharsets.UTF_8),
                    src + "!" + METRICS), src + "!" + METRICS);
        }
        return Map.entry(new ModelSource(name, folded, arch, prov, metrics, r.entries().get(DL4J)), r.manifest());
    }

    static ExportedModel read(Path file, boolean allowInsecure) throws IOException {
        Raw r0 = readRaw(file);
        Map<String, byte[]> raw = r0.entries();
        Map<String, Object> m = r0.manifest();
        String src = file.toString();
        FoldedNet folded = readNet(raw.get(NET), src);
        Map<String, Object> he = obj(m.get("he"), src, "he");
        HePlan plan = (Long) m.get("version") >= PLAN_VERSION
                ? PlanEntry.stored(raw.get(PLAN), folded, he, src)
                : PlanEntry.recompiled(folded, he, src, allowInsecure);
        CkksParameters ckks;
        try {
            ckks = ckksParameters(plan.parameters(), he, src, allowInsecure);
        } catch (ExportFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ExportFormatException(src + ": invalid HE section: " + e.getMessage(), e);
        }
        Provenance prov = Provenance.fromJson(obj(m.get("provenance"), src, "provenance"), src);
        String name = m.get("name") instanceof String s ? s : "model";
        return new ExportedModel(file, name, folded, plan, ckks, prov,
                new String(raw.get(MANIFEST), StandardCharsets.UTF_8), raw);
    }

    private static Raw readRaw(Path file) throws IOException {
        String src = file.toString();
        ModelArchive.Contents contents = ModelArchive.read(file, KNOWN, MANIFEST, Runtime.getRuntime().maxMemory() / 4);
        Map<String, byte[]> raw = contents.entries();
        Map<String, Object> m = contents.manifest();
        if (!FORMAT.equals(m.get("format"))) {
            throw new ExportFormatException(src + ": format must be " + FORMAT + ", but was " + m.get("format"));
        }
        if (!(m.get("version") instanceof Long v) || v < 1 || v > VERSION) {
            throw new ExportFormatException(src + ": version must be an integer in [1, " + VERSION + "] (1: plan"
                    + " recompiled on load, " + PLAN_VERSION + ": plan stored), but was " + m.get("version"));
        }
        Map<String, Object> listed = obj(m.get("entries"), src, "entries");
        if (!listed.containsKey(NET)) {
            throw new ExportFormatException(src + ": the manifest must list " + NET + ", but lists " + listed.keySet());
        }
        boolean stores = (Long) m.get("version") >= PLAN_VERSION;
        if (stores != listed.containsKey(PLAN)) {
            throw new ExportFormatException(src + ": a version " + m.get("version") + " file must " + (stores ? ""
                    : "not ") + "list " + PLAN + ", but " + (stores ? "does not" : "does"));
        }
        return new Raw(raw, m);
    }

    private static CkksParameters ckksParameters(HeParameters p, Map<String, Object> he, String src,
                                                 boolean allowInsecure) throws ExportFormatException {
        long[] chain = ModelExporter.primes(p);
        List<Long> q = new ArrayList<>();
        List<Long> sp = new ArrayList<>();
        for (int i = 0; i < chain.length; i++) {
            (i < p.dataPrimes() ? q : sp).add(chain[i]);
        }
        Object stored = he.get("primes");
        if (!q.equals(stored) || !sp.equals(he.get("special_primes"))) {
            throw new ExportFormatException(src + ": he.primes must be " + q + " + special " + sp
                    + ", but were " + stored + " + special " + he.get("special_primes"));
        }
        boolean secure = p.securityBits() >= 128;
        if (!secure && !allowInsecure) {
            throw new ExportFormatException(src + ": parameters must be 128-bit secure, but log QP = " + p.logQp()
                    + " at N = 2^" + p.logN() + " gives " + p.securityBits() + " bits");
        }
        try {
            return p.ckksParameters(secure ? Security.HE_STANDARD_128 : Security.INSECURE_NO_BOUND);
        } catch (IllegalArgumentException e) {
            throw new ExportFormatException(src + ": parameters must be 128-bit secure: " + e.getMessage(), e);
        }
    }

    private static FoldedNet readNet(byte[] data, String src) throws IOException {
        String at = src + "!" + NET;
        Map<String, Object> parsed;
        try {
            parsed = Json.asObject(Json.parse(new String(data, StandardCharsets.UTF_8), at), at);
        } catch (RuntimeException e) {
            throw new ExportFormatException(e.getMessage(), e);
        }
        NetLimits.check(parsed, at);
        parsed = null;
        Path tmp = Files.createTempFile("henas-net-", ".json");
        try {
            Files.write(tmp, data);
            return WeightsJson.read(tmp);
        } catch (IOException e) {
            throw new ExportFormatException(src + "!" + NET + ": " + e.getMessage().replace(tmp.toString(), NET), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o, String src, String field) throws ExportFormatException {
        if (o instanceof Map<?, ?> mm) {
            return (Map<String, Object>) mm;
        }
        throw new ExportFormatException(src + ": " + field + " must be a JSON object, but was " + o);
    }

    /** The file this was read from. */
    public Path file() {
        return file;
    }

    public String name() {
        return name;
    }

    /** The folded network and weights the plan executes. */
    public FoldedNet folded() {
        return folded;
    }

    /**
     * The HE plan: the stored one (version 2; never recompiled), or for a version-1 file the recompiled one (its
     * fingerprint equals the exported one).
     */
    public HePlan plan() {
        return plan;
    }

    /** The file format version this model was read from (1 or {@value #PLAN_VERSION}). */
    public int formatVersion() {
        return ((Number) manifest().get("version")).intValue();
    }

    /**
     * Recompiles the plan with this henas's compiler from the stored network, compile options and packing
     * ({@link HePlan#packing()}) and compares it with the plan the model runs: empty when they are identical, else
     * what differs (the stored plan still runs).
     */
    public java.util.Optional<String> verify() {
        HePlan fresh;
        try {
            CompileOptions o = plan.options().withLogN(plan.logN());
            fresh = plan.parameters().securityBits() >= 128 ? HePlan.compile(folded.net(), o, plan.packing())
                    : HePlan.compileInsecure(folded.net(), o, plan.logN(), plan.packing());
        } catch (RuntimeException e) {
            return java.util.Optional.of("the current compiler cannot compile the model: " + e.getMessage());
        }
        if (fresh.fingerprint().equals(plan.fingerprint())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("the current compiler produces fingerprint " + fresh.fingerprint() + " ("
                + fresh.instructionCount() + " instructions, depth " + fresh.depth() + "), the model runs "
                + plan.fingerprint() + " (" + plan.instructionCount() + " instructions, depth " + plan.depth() + ")");
    }

    /** A fresh binding of the plan to the weights (bindings are not thread-safe). */
    public PlanBinding binding() {
        return new PlanBinding(plan, folded.weights());
    }

    /** The CKKS parameters (concrete primes, scale {@code 2^scaleBits}). */
    public CkksParameters ckksParameters() {
        return ckks;
    }

    public HeParameters heParameters() {
        return plan.parameters();
    }

    public Provenance provenance() {
        return provenance;
    }

    /** The parsed manifest (a fresh copy). */
    public Map<String, Object> manifest() {
        return Json.asObject(Json.parse(manifestJson, file + "!" + MANIFEST), file + "!" + MANIFEST);
    }

    /** The DL4J model zip bytes, if exported. */
    public java.util.Optional<byte[]> dl4jModel() {
        return java.util.Optional.ofNullable(entries.get(DL4J)).map(byte[]::clone);
    }

    /** The entry names present. */
    public Set<String> entryNames() {
        return new java.util.TreeSet<>(entries.keySet());
    }

    @Override
    public String toString() {
        return "ExportedModel[" + name + ", " + plan + "]";
    }
}
