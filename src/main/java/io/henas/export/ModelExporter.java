package io.henas.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.he.PlanCodec;
import io.henas.ir.Json;
import io.henas.ring.Primes;
import io.henas.train.WeightsJson;

/**
 * Writes {@code .henas} files (format described in {@link ExportedModel}). Never writes a key.
 */
public final class ModelExporter {
    private ModelExporter() {
    }

    /**
     * Writes {@code src} with the plan parameters of {@code plan} to {@code out} (atomically: a temporary file is
     * moved into place) and returns the model as {@link ExportedModel#read} would load it.
     *
     * @param plan the plan compiled from {@code src.folded().net()} (secure, unless written for tests with an
     *             insecure plan: then {@link ExportedModel#readAllowInsecure} is needed to load it)
     * @throws IllegalArgumentException if the plan was compiled from another network
     */
    public static ExportedModel write(Path out, ModelSource src, HePlan plan) throws IOException {
        return write(out, src, plan, Map.of());
    }

    /**
     * As {@link #write(Path, ModelSource, HePlan)}, adding {@code extra} keys to the manifest (e.g.
     * {@code reexported_from}); they must not collide with the format's own keys.
     */
    public static ExportedModel write(Path out, ModelSource src, HePlan plan, Map<String, Object> extra)
            throws IOException {
        if (!plan.net().equals(src.folded().net())) {
            throw new IllegalArgumentException("the plan must be compiled from the folded network of " + src.name()
                    + ", but was compiled from another network");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(ExportedModel.NET, utf8(Json.write(WeightsJson.toMap(src.folded().net(), src.folded().weights(),
                src.folded().remaining()))));
        entries.put(ExportedModel.PLAN, PlanCodec.encode(plan));
        if (src.architecture() != null) {
            entries.put(ExportedModel.ARCHITECTURE, utf8(Json.pretty(src.architecture())));
        }
        if (src.metrics() != null) {
            entries.put(ExportedModel.METRICS, utf8(Json.pretty(src.metrics())));
        }
        if (src.dl4jModel() != null) {
            entries.put(ExportedModel.DL4J, src.dl4jModel());
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", ExportedModel.FORMAT);
        manifest.put("version", ExportedModel.VERSION);
        manifest.put("name", src.name());
        manifest.put("created", Instant.now().toString());
        Map<String, Object> list = new LinkedHashMap<>();
        for (var e : entries.entrySet()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("sha256", sha256(e.getValue()));
            d.put("bytes", e.getValue().length);
            list.put(e.getKey(), d);
        }
        manifest.put("entries", list);
        manifest.put("he", heJson(plan));
        manifest.put("provenance", src.provenance().toJson());
        for (var e : extra.entrySet()) {
            if (manifest.containsKey(e.getKey())) {
                throw new IllegalArgumentException("extra manifest keys must not replace the format's, but "
                        + e.getKey() + " does");
            }
            manifest.put(e.getKey(), e.getValue());
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".henas-", ".tmp");
        try {
            try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(tmp))) {
                put(z, ExportedModel.MANIFEST, utf8(Json.pretty(manifest)));
                for (var e : entries.entrySet()) {
                    put(z, e.getKey(), e.getValue());
                }
            }
            try {
                // a model is not secret: the temporary file's owner-only mode is widened to rw-r--r--
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its default
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return ExportedModel.read(out, plan.parameters().securityBits() < 128);
    }

    static Map<String, Object> heJson(HePlan plan) {
        HeParameters p = plan.parameters();
        Map<String, Object> he = new LinkedHashMap<>();
        he.put("compile_options", plan.options().withLogN(plan.logN()).toJson());
        he.put("parameters", p.toJson());
        long[] chain = primes(p);
        List<Long> q = new ArrayList<>();
        List<Long> sp = new ArrayList<>();
        for (int i = 0; i < chain.length; i++) {
            (i < p.dataPrimes() ? q : sp).add(chain[i]);
        }
        he.put("primes", q);
        he.put("special_primes", sp);
        he.put("secure", p.securityBits() >= 128);
        he.put("depth", plan.depth());
        he.put("instructions", plan.instructionCount());
        he.put("plan_fingerprint", plan.fingerprint());
        he.put("plan_format", PlanCodec.VERSION);
        he.put("packing", plan.packing().version());
        return he;
    }

    /** The concrete primes of the chain: data primes then the special primes (deterministic, like SEAL's). */
    static long[] primes(HeParameters p) {
        return Primes.chain(p.logN(), p.allPrimeBits());
    }

    private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0);
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    static byte[] readAll(java.io.InputStream in, long limit, String what) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        long total = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            total += r;
            if (total > limit) {
                throw new ExportFormatException(what + " must be at most " + limit + " bytes, but is larger");
            }
            b.write(buf, 0, r);
        }
        return b.toByteArray();
    }
}
