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
import io.henas.he.Packing;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.he.PlanBinding;
import io.henas.json.Json;
import io.henas.rlwe.Security;
import io.henas.train.FoldedNet;
import io.henas.train.WeightsJson;

/**
 * A loaded, fully validated {@code .henas} file.
 *
 * <p><b>Format</b> ({@value #FORMAT}, version {@value #VERSION}): a zip archive with these entries, nothing else:
 * <ul>
 *   <li>{@value #MANIFEST} (required, first): {@code {"format": "henas-model", "version": 1, "name", "created",
 *       "entries": {NAME: {"sha256": HEX, "bytes": N}}, "he": {...}, "provenance": {...}}}. {@code he} holds
 *       {@code compile_options} ({@link CompileOptions#toJson}, logN fixed), {@code parameters}
 *       ({@link HeParameters#toJson}: logN, prime bits, special prime bits, scale bits, log_qp, security bits, Galois
 *       steps), {@code primes} and {@code special_primes} (the concrete moduli), {@code secure}, {@code depth},
 *       {@code instructions}, {@code plan_fingerprint} ({@link HePlan#fingerprint}) and {@code plan_version}
 *       ({@link Packing#version}; absent in older files: 1, block packing), the packing the plan is recompiled with
 *       on load. {@code provenance} is
 *       {@link Provenance#toJson}.</li>
 *   <li>{@value #NET} (required): the folded network and its weights in train's {@code henas-weights-v1} JSON
 *       ({@link WeightsJson}: nodes with op, inputs, shape and op fields; tensors with shape and data).</li>
 *   <li>{@value #ARCHITECTURE} (optional): the unfolded lowered network (same node schema, no tensors).</li>
 *   <li>{@value #METRICS} (optional): the training metrics.</li>
 *   <li>{@value #DL4J} (optional): the DL4J {@code ComputationGraph} zip for plaintext use.</li>
 * </ul>
 * No key of any kind is stored. Loading checks the magic and version, that every listed entry is present with its
 * size and SHA-256 and no other entry exists, the weights against the network ({@code NetWeights.validateFor}),
 * recompiles the plan and checks its fingerprint and parameters against the manifest, regenerates the primes and
 * validates the chain as 128-bit secure ({@code CkksParameters.of} with {@code HE_STANDARD_128}). Any failure is an
 * {@link ExportFormatException}.
 */
public final class ExportedModel {
    public static final String FORMAT = "henas-model";
    public static final int VERSION = 1;
    public static final String MANIFEST = "manifest.json";
    public static final String NET = "net.json";
    public static final String ARCHITECTURE = "architecture.json";
    public static final String METRICS = "metrics.json";
    public static final String DL4J = "model.zip";
    private static final Set<String> KNOWN = Set.of(MANIFEST, NET, ARCHITECTURE, METRICS, DL4J);
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
        HePlan plan;
        CkksParameters ckks;
        try {
            CompileOptions opts = CompileOptions.fromJson(obj(he.get("compile_options"), src, "he.compile_options"));
            // Files without plan_version predate multiplexed packing: version 1 (block packing).
            Object pv = he.get("plan_version");
            if (pv != null && !(pv instanceof Long)) {
                throw new ExportFormatException(src + ": he.plan_version must be an integer, but was " + pv);
            }
            Packing packing = pv == null ? Packing.BLOCKS : Packing.of(Math.toIntExact((Long) pv));
            plan = allowInsecure ? HePlan.compileInsecure(folded.net(), opts, opts.logN(), packing)
                    : HePlan.compile(folded.net(), opts, packing);
            new PlanBinding(plan, folded.weights());
            String fp = String.valueOf(he.get("plan_fingerprint"));
            if (!plan.fingerprint().equals(fp)) {
                throw new ExportFormatException(src + ": the recompiled plan must have fingerprint " + fp
                        + ", but has " + plan.fingerprint() + " (file from an incompatible henas version?)");
            }
            if (!plan.parameters().toJson().equals(normalize(obj(he.get("parameters"), src, "he.parameters")))) {
                throw new ExportFormatException(src + ": he.parameters must equal the recompiled plan's "
                        + plan.parameters().toJson() + ", but were " + he.get("parameters"));
            }
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
        if (!(m.get("version") instanceof Long v) || v != VERSION) {
            throw new ExportFormatException(src + ": version must be the integer " + VERSION + ", but was "
                    + m.get("version"));
        }
        Map<String, Object> listed = obj(m.get("entries"), src, "entries");
        if (!listed.containsKey(NET)) {
            throw new ExportFormatException(src + ": the manifest must list " + NET + ", but lists " + listed.keySet());
        }
        return new Raw(raw, m);
    }

    /** JSON numbers parse as Long or Double; HeParameters.toJson holds Integer lists: compare by value. */
    private static Map<String, Object> normalize(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            out.put(e.getKey(), norm(e.getValue()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object norm(Object v) {
        if (v instanceof Map<?, ?> mm) {
            return normalize((Map<String, Object>) mm);
        }
        if (v instanceof List<?> l) {
            List<Object> o = new ArrayList<>();
            l.forEach(x -> o.add(norm(x)));
            return o;
        }
        if (v instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        return v;
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

    /** The HE plan (recompiled on load; its fingerprint equals the exported one). */
    public HePlan plan() {
        return plan;
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
