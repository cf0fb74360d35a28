package io.henas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import io.henas.data.Idx;
import io.henas.data.TinyData;
import io.henas.export.ExportTestModels;
import io.henas.export.ExportedModel;
import io.henas.export.ModelExporter;
import io.henas.export.ModelSource;
import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.PlanMutations;
import io.henas.infer.CiphertextFiles;
import io.henas.infer.InferenceClient;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;
import io.henas.ir.Json;
import io.henas.search.RunDirectoryLock;
import io.henas.search.TrialStore;
import io.henas.space.SpaceLoader;

/**
 * Generated hostile inputs (YAML spaces, {@code .henas} models, ciphertext, client-key and evaluation-key files, IDX
 * data, {@code trials.db}), each run through the CLI entry point in this JVM: every one must end with exit 2 and one
 * message, no stack trace, in bounded time. Mutations that happen to leave a valid input (a flipped byte in an
 * ignored zip field, a YAML edit that is still a valid space) are filtered out with the reader itself, so what runs
 * is always invalid; the structured cases (bombs, non-finite weights, huge shapes, deep chains, bad versions, damaged
 * containers, corrupt databases) are always included. A few heap-sensitive cases also run in a {@code -Xmx512m}
 * subprocess.
 */
class HostileInputCorpusTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path keys;
    static Path ct;
    static Path space;
    static Path runDir;
    static byte[] henas;
    static final Random RND = new Random(19);

    private record Run(int code, String err) {
    }

    /** A hostile input; {@code names}, when not null, must appear in the message (the bad file). */
    private record Case(String name, String[] args, String names) {
        Case(String name, String[] args) {
            this(name, args, null);
        }
    }

    private static Run run(String... args) {
        picocli.CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = Main.run(cl, args);
        return new Run(code, err.toString());
    }

    @BeforeAll
    static void fixtures() throws Exception {
        Architecture a = new Architecture("tiny", new Shape(1, 28, 28), 10, List.of(new Layer.Conv(2, 3, 2),
                new Layer.Activation(ActivationKind.SQUARE), new Layer.AvgPool(2), new Layer.Dense(10)));
        ModelSource s = ExportTestModels.source(a, 3);
        model = dir.resolve("tiny.henas");
        ModelExporter.write(model, s, HePlan.compile(s.folded().net(), CompileOptions.defaults(true)));
        henas = Files.readAllBytes(model);
        keys = dir.resolve("keys");
        Run k = run("infer", "keygen", model.toString(), "--dir", keys.toString());
        assertEquals(0, k.code(), k.err());
        ct = dir.resolve("in.ct");
        Run e = run("infer", "encrypt", model.toString(), "--key", keys.resolve("client.key").toString(), "--out",
                ct.toString());
        assertEquals(0, e.code(), e.err());
        space = Path.of("search-spaces", "fashion-cnn.yaml").toAbsolutePath();
        runDir = Files.createDirectories(dir.resolve("run"));
        try (TrialStore t = TrialStore.open(runDir.resolve("trials.db"))) {
            t.putMeta("seed", "1");
            t.putMeta("population", "4");
            t.putMeta("generations", "2");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyHostileInputIsExitTwoWithOneMessage() throws Exception {
        List<Case> cases = new ArrayList<>();
        cases.addAll(yaml());
        cases.addAll(models());
        cases.addAll(ciphertexts());
        cases.addAll(clientKeys());
        cases.addAll(evalKeys());
        cases.addAll(idx());
        cases.addAll(databases());
        cases.addAll(ownData());
        assertTrue(cases.size() >= 200, "corpus has only " + cases.size() + " inputs");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(c.args()), c.name());
            if (Boolean.getBoolean("henas.corpus.print")) {
                System.out.println("corpus | " + c.name() + " | " + r.code() + " | " + r.err().strip()
                        .replace('\n', ' '));
            }
            checkOneClearMessage(c.name(), r.code(), r.err());
            if (c.names() != null) {
                assertTrue(r.err().contains(c.names()), c.name() + ": the message must name " + c.names() + ": "
                        + r.err());
            }
        }));
    }

    static void checkOneClearMessage(String name, int code, String err) {
        assertEquals(ExitCodes.BAD_INPUT, code, name + ": " + err);
        assertFalse(err.contains("\tat ") || err.contains("Caused by") || err.contains("Exception in thread"),
                name + ": stack trace: " + err);
        assertFalse(err.contains("out of memory"), name + ": ran out of memory: " + err);
        assertFalse(err.isBlank(), name + ": no message");
        String last = err.strip().lines().reduce((x, y) -> y).orElse("");
        assertTrue(last.startsWith("henas"), name + ": the message must be one 'henas ...' line: " + err);
        for (String dup : new String[]{"malformed JSON", "not a valid", "truncated"}) {
            assertTrue(last.indexOf(dup) == last.lastIndexOf(dup), name + ": repeats itself: " + last);
        }
    }

    /** Heap-sensitive cases in a small-heap JVM: refused before anything large is allocated. */
    @TestFactory
    Stream<DynamicTest> bombsInA512MegabyteHeap() throws Exception {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("zip bomb", new String[]{"infer", zipBomb(true).toString()}));
        cases.add(new Case("huge input", new String[]{"infer", resealedNet("huge-input",
                t -> t.replaceFirst("\"shape\":\\s*\\[\\s*1,\\s*28,\\s*28\\s*]", "\"shape\": [1, 65536, 65536]"))
                .toString()}));
        Path d = idxDir("gz-bomb-sub", "t10k-images-idx3-ubyte.gz", gz(header(Idx.IMAGES_MAGIC, 10_000_000, 2048,
                2048), 64 << 20));
        cases.add(new Case("gzip bomb", new String[]{"infer", model.toString(), "--data", d.toString()}));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow", "-Duser.home=" + dir.resolve("home"), "-cp",
                    System.getProperty("java.class.path"), "io.henas.cli.Main"));
            cmd.addAll(List.of(c.args()));
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            byte[] err = p.getErrorStream().readAllBytes();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), c.name() + " did not finish");
            checkOneClearMessage(c.name(), p.exitValue(), new String(err, StandardCharsets.UTF_8));
        }));
    }

    // ---------------------------------------------------------------- YAML

    private List<Case> yaml() throws IOException {
        List<Case> out = new ArrayList<>();
        String valid = Files.readString(space);
        List<String[]> named = new ArrayList<>();
        named.add(new String[]{"flow nesting 20000", "name: x\ndataset: fashion-mnist\nstages: " + "[".repeat(20000)
                + "]".repeat(20000) + "\n"});
        named.add(new String[]{"multi-line nesting 20000", "name: x\nstages:\n" + "[\n".repeat(20000)});
        StringBuilder block = new StringBuilder("name: x\n");
        for (int i = 0; i < 300; i++) {
            block.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        named.add(new String[]{"block nesting 300", block.toString()});
        named.add(new String[]{"sequence nesting", "stages: " + "- ".repeat(1500) + "x\n"});
        named.add(new String[]{"16 MiB comment", "# " + "x".repeat(16 << 20) + "\n" + valid});
        named.add(new String[]{"2 MiB comment", "# " + "x".repeat(2 << 20) + "\n" + valid});
        named.add(new String[]{"long line", "name: " + "y".repeat(100_000) + "\n"});
        StringBuilder laughs = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            laughs.append("a").append(i).append(": &a").append(i).append(" [").append(("*a" + (i - 1) + ", ")
                    .repeat(9)).append("*a").append(i - 1).append("]\n");
        }
        named.add(new String[]{"billion laughs", laughs + valid});
        named.add(new String[]{"empty", ""});
        named.add(new String[]{"tab indent", valid.replace("  activation", "\tactivation")});
        named.add(new String[]{"huge integer", valid.replace("channels: 16", "channels: 99999999999999999999999")});
        named.add(new String[]{"infinite float", valid.replace("learning_rate: 0.002", "learning_rate: .inf")});
        named.add(new String[]{"nan float", valid.replace("learning_rate: 0.002", "learning_rate: .nan")});
        named.add(new String[]{"negative", valid.replace("channels: 16", "channels: -16")});
        named.add(new String[]{"65536 input", valid.replace("input: [1, 28, 28]", "input: [1, 65536, 65536]")});
        named.add(new String[]{"duplicate key", valid + "\nname: again\n"});
        named.add(new String[]{"not a mapping", "- just\n- a list\n"});
        named.add(new String[]{"scalar", "hello\n"});
        named.add(new String[]{"binary", new String(randomBytes(4096), StandardCharsets.ISO_8859_1)});
        for (String[] n : named) {
            if (!invalidSpace(n[1].getBytes(StandardCharsets.UTF_8))) {
                System.err.println("corpus: the YAML case '" + n[0] + "' is a valid space; not run");
                continue;
            }
            out.add(new Case("yaml " + n[0], new String[]{"search", write("y-" + out.size() + ".yaml",
                    n[1].getBytes(StandardCharsets.UTF_8)).toString()}));
        }
        out.add(new Case("yaml invalid UTF-8", new String[]{"search", write("utf.yaml", new byte[]{'n', 'a', 'm',
                'e', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'}).toString()}));
        out.add(new Case("yaml directory", new String[]{"search", dir.toString()}));
        out.add(new Case("yaml missing", new String[]{"search", dir.resolve("nope.yaml").toString()}));
        byte[] v = valid.getBytes(StandardCharsets.UTF_8);
        int target = out.size() + 50;
        for (int attempt = 0; out.size() < target && attempt < 2000; attempt++) {
            byte[] m = mutateText(v);
            if (!invalidSpace(m)) {
                continue;
            }
            out.add(new Case("yaml mutation " + attempt, new String[]{"search", write("ym-" + attempt + ".yaml", m)
                    .toString()}));
        }
        return out;
    }

    private static byte[] mutateText(byte[] v) {
        switch (RND.nextInt(5)) {
            case 0 -> {
                return Arrays.copyOf(v, RND.nextInt(v.length));
            }
            case 1 -> {
                byte[] m = v.clone();
                for (int i = 0; i < 1 + RND.nextInt(4); i++) {
                    m[RND.nextInt(m.length)] = (byte) ":[]{}-&*!|>'\"#%@`\t\n".charAt(RND.nextInt(19));
                }
                return m;
            }
            case 2 -> {
                String s = new String(v, StandardCharsets.UTF_8);
                String[] nums = {"1e999", "-1", "0", "99999999999999999999", "abc", "[]", "{}", "null", "~", "2.5"};
                return s.replaceFirst("(?<=: )\\d+(\\.\\d+)?", nums[RND.nextInt(nums.length)])
                        .replaceFirst("(?<=channels: )\\d+", nums[RND.nextInt(nums.length)])
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 3 -> {
                List<String> lines = new ArrayList<>(new String(v, StandardCharsets.UTF_8).lines().toList());
                lines.remove(RND.nextInt(lines.size()));
                return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                byte[] m = v.clone();
                m[RND.nextInt(m.length)] = (byte) RND.nextInt(256);
                return m;
            }
        }
    }

    private static boolean invalidSpace(byte[] text) {
        try {
            SpaceLoader.parse(new String(text, StandardCharsets.UTF_8), "m.yaml");
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            return true;
        }
    }

    // ---------------------------------------------------------------- .henas

    private List<Case> models() throws Exception {
        List<Case> out = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        files.add(zipBomb(true));
        files.add(zipBomb(false));
        for (String[] w : new String[][]{{"inf", "1e999"}, {"neg-inf", "-1e999"}, {"nan", "NaN"},
                {"string", "\"x\""}, {"null", "null"}}) {
            files.add(resealedNet("weight-" + w[0], t -> t.replaceFirst("(\"data\":\\s*\\[)\\s*-?[0-9.eE+-]+",
                    "$1" + java.util.regex.Matcher.quoteReplacement(w[1]))));
        }
        files.add(resealedNet("input-65536", t -> t.replaceFirst("\"shape\":\\s*\\[\\s*1,\\s*28,\\s*28\\s*]",
                "\"shape\": [1, 65536, 65536]")));
        files.add(resealedNet("shape-neg", t -> t.replaceFirst("\"shape\":\\s*\\[\\s*1,", "\"shape\": [-1,")));
        files.add(resealedNet("shape-2^32", t -> t.replaceFirst("\"shape\":\\s*\\[\\s*1,", "\"shape\": [4294967297,")));
        files.add(resealedNet("bad-input-ref", t -> t.replaceFirst("\"inputs\":\\s*\\[\\s*0\\s*]",
                "\"inputs\": [7]")));
        files.add(resealedNet("not-json", t -> t.substring(0, t.length() / 2)));
        files.add(resealedNet("deep-json", t -> "[".repeat(100_000) + "]".repeat(100_000)));
        files.add(resealedNetBytes("chain-50000", chain(50_000)));
        files.add(resealedNetBytes("chain-5000", chain(5_000)));
        for (Object ver : new Object[]{1.9, 4294967297L, "1", -1L, 1.0, 1L, 3L, null}) {
            files.add(resealedManifest("version-" + ver, m -> m.put("version", ver)));
        }
        files.add(resealedManifest("format", m -> m.put("format", "other")));
        files.add(resealedManifest("entries-not-object", m -> m.put("entries", List.of())));
        files.add(resealedManifest("bytes-string", m -> entry(m).put("bytes", "12")));
        files.add(resealedManifest("bytes-negative", m -> entry(m).put("bytes", -5L)));
        files.add(resealedManifest("bytes-huge", m -> entry(m).put("bytes", 1L << 40)));
        files.add(resealedManifest("sha-wrong", m -> entry(m).put("sha256", "00")));
        files.add(resealedManifest("he-missing", m -> m.remove("he")));
        files.add(resealedManifest("provenance-list", m -> m.put("provenance", List.of(1))));
        files.addAll(storedPlans());
        Map<String, byte[]> e = entries(henas);
        e.put("manifest.json", ("[".repeat(50_000)).getBytes(StandardCharsets.UTF_8));
        files.add(zip("deep-manifest", e));
        e = entries(henas);
        e.put("manifest.json", new byte[3 << 20]);
        files.add(zip("big-manifest", e));
        e = entries(henas);
        e.put("secret.key", new byte[]{1});
        files.add(zip("extra-entry", e));
        e = entries(henas);
        e.remove("net.json");
        files.add(zip("missing-net", e));
        e = entries(henas);
        e.remove("manifest.json");
        files.add(zip("missing-manifest", e));
        files.add(write("trailing.henas", concat(henas, "garbage".getBytes(StandardCharsets.US_ASCII))));
        byte[] eocd = henas.clone();
        eocd[eocd.length - 5] ^= 0x40;
        files.add(write("eocd-damaged.henas", eocd));
        byte[] comment = concat(henas, new byte[]{'h', 'i'});
        comment[henas.length - 2] = 2;
        files.add(write("comment.henas", comment));
        files.add(write("empty.henas", new byte[0]));
        files.add(write("text.henas", "hello".getBytes(StandardCharsets.US_ASCII)));
        files.add(dir);
        files.add(dir.resolve("missing.henas"));
        for (Path f : files) {
            out.add(new Case("henas " + f.getFileName(), new String[]{"infer", f.toString()}));
        }
        int target = out.size() + 40;
        for (int attempt = 0; out.size() < target && attempt < 3000; attempt++) {
            byte[] m = RND.nextInt(3) == 0 ? Arrays.copyOf(henas, RND.nextInt(henas.length)) : flip(henas);
            Path f = write("hm-" + attempt + ".henas", m);
            if (!fails(() -> ExportedModel.read(f))) {
                continue;
            }
            out.add(new Case("henas mutation " + attempt, new String[]{"infer", f.toString()}));
        }
        return out;
    }

    /** Models whose stored plan (plan.bin) is damaged, resealed as an attacker would, and plan manifest edits. */
    @SuppressWarnings("unchecked")
    static List<Path> storedPlans() throws IOException {
        List<Path> files = new ArrayList<>();
        HePlan plan = ExportedModel.read(model).plan();
        int i = 0;
        for (var bad : PlanMutations.of(plan).entrySet()) {
            Map<String, byte[]> e = entries(henas);
            e.put(ExportedModel.PLAN, bad.getValue());
            files.add(zip("plan-" + i++ + "-" + bad.getKey().replaceAll("[^a-zA-Z0-9]+", "-"), reseal(e)));
        }
        Map<String, byte[]> e = entries(henas);
        e.remove(ExportedModel.PLAN);
        Map<String, Object> m = (Map<String, Object>) Json.parse(new String(e.get("manifest.json"),
                StandardCharsets.UTF_8), "m");
        ((Map<String, Object>) m.get("entries")).remove(ExportedModel.PLAN);
        e.put("manifest.json", Json.pretty(m).getBytes(StandardCharsets.UTF_8));
        files.add(zip("plan-missing", e));
        files.add(resealedManifest("plan-format-9", mm -> he(mm).put("plan_format", 9L)));
        files.add(resealedManifest("plan-fingerprint-other", mm -> he(mm).put("plan_fingerprint", "00")));
        files.add(resealedManifest("plan-parameters-digits", mm -> ((Map<String, Object>) he(mm).get("parameters"))
                .put("digits", 7L)));
        files.add(resealedManifest("plan-parameters-logn", mm -> ((Map<String, Object>) he(mm).get("parameters"))
                .put("log_n", 99L)));
        files.add(resealedManifest("plan-parameters-steps", mm -> ((Map<String, Object>) he(mm).get("parameters"))
                .put("galois_steps", List.of("x"))));
        return files;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> he(Map<String, Object> m) {
        return (Map<String, Object>) m.get("he");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(Map<String, Object> m) {
        return (Map<String, Object>) ((Map<String, Object>) m.get("entries")).get("net.json");
    }

    private static byte[] chain(int n) {
        StringBuilder sb = new StringBuilder("{\"format\": \"henas-weights-v1\", \"nodes\": [{\"name\": \"in\","
                + " \"op\": \"input\", \"inputs\": [], \"shape\": [1, 28, 28]}");
        for (int i = 1; i <= n; i++) {
            sb.append(", {\"name\": \"a").append(i).append("\", \"op\": \"act\", \"kind\": \"square\", \"inputs\": [")
                    .append(i - 1).append("], \"shape\": [1, 28, 28]}");
        }
        sb.append("], \"output\": ").append(n).append(", \"tensors\": {}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Path zipBomb(boolean sealed) throws IOException {
        Map<String, byte[]> e = entries(henas);
        byte[] bomb = new byte[sealed ? 256 << 20 : 64 << 20];
        Arrays.fill(bomb, (byte) ' ');
        if (!sealed) {
            e.put("net.json", bomb);
            return zip("bomb-unsealed", e);
        }
        e.put("net.json", bomb);
        return zip("bomb-sealed", reseal(e));
    }

    static Path resealedNet(String name, java.util.function.UnaryOperator<String> edit) throws IOException {
        Map<String, byte[]> e = entries(henas);
        e.put("net.json", edit.apply(new String(e.get("net.json"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        return zip(name, reseal(e));
    }

    static Path resealedNetBytes(String name, byte[] net) throws IOException {
        Map<String, byte[]> e = entries(henas);
        e.put("net.json", net);
        return zip(name, reseal(e));
    }

    @SuppressWarnings("unchecked")
    static Path resealedManifest(String name, java.util.function.Consumer<Map<String, Object>> edit)
            throws IOException {
        Map<String, byte[]> e = entries(henas);
        Map<String, Object> m = (Map<String, Object>) Json.parse(new String(e.get("manifest.json"),
                StandardCharsets.UTF_8), "m");
        edit.accept(m);
        e.put("manifest.json", Json.pretty(m).getBytes(StandardCharsets.UTF_8));
        return zip(name, e);
    }

    /** Recomputes the manifest's sizes and hashes, as an attacker would. */
    @SuppressWarnings("unchecked")
    static Map<String, byte[]> reseal(Map<String, byte[]> e) {
        Map<String, Object> m = (Map<String, Object>) Json.parse(new String(e.get("manifest.json"),
                StandardCharsets.UTF_8), "m");
        Map<String, Object> list = (Map<String, Object>) m.get("entries");
        for (var x : e.entrySet()) {
            if (!x.getKey().equals("manifest.json")) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("sha256", sha256(x.getValue()));
                d.put("bytes", (long) x.getValue().length);
                list.put(x.getKey(), d);
            }
        }
        e.put("manifest.json", Json.pretty(m).getBytes(StandardCharsets.UTF_8));
        return e;
    }

    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (var z = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            java.util.zip.ZipEntry en;
            while ((en = z.getNextEntry()) != null) {
                out.put(en.getName(), z.readAllBytes());
            }
        }
        return out;
    }

    static Path zip(String name, Map<String, byte[]> e) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(b)) {
            for (var x : e.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(x.getKey()));
                z.write(x.getValue());
                z.closeEntry();
            }
        }
        return write(name + ".henas", b.toByteArray());
    }

    // ---------------------------------------------------------------- ciphertexts and keys

    private List<Case> ciphertexts() throws Exception {
        List<Case> out = new ArrayList<>();
        byte[] v = Files.readAllBytes(ct);
        ExportedModel m = ExportedModel.read(model);
        int idLen = m.ckksParameters().id().getBytes(StandardCharsets.UTF_8).length;
        int countOff = 20 + 2 + idLen;
        int lenOff = countOff + 8;
        String key = keys.resolve("client.key").toString();
        List<Path> files = new ArrayList<>();
        for (int bad : new int[]{Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 1 << 30, 1 << 29}) {
            files.add(write("ct-len-" + bad + ".ct", putInt(v, lenOff, bad)));
        }
        files.add(write("ct-len-plus1.ct", putInt(v, lenOff, ByteBuffer.wrap(v, lenOff, 4).getInt() + 1)));
        files.add(write("ct-len-minus1.ct", putInt(v, lenOff, ByteBuffer.wrap(v, lenOff, 4).getInt() - 1)));
        for (int bad : new int[]{Integer.MAX_VALUE, -1, 1 << 20, 2}) {
            files.add(write("ct-images-" + bad + ".ct", putInt(v, countOff, bad)));
            files.add(write("ct-cts-" + bad + ".ct", putInt(v, countOff + 4, bad)));
        }
        files.add(write("ct-utf-len.ct", putShort(v, 20, 0xffff)));
        files.add(write("ct-trailing.ct", concat(v, new byte[]{1, 2, 3})));
        files.add(write("ct-empty.ct", new byte[0]));
        files.add(write("ct-50-bytes.ct", Arrays.copyOf(v, 50)));
        files.add(write("ct-scale-1e300.ct", replaceDouble(v, m.ckksParameters().defaultScale(), 1e300)));
        files.add(write("ct-scale-0.ct", replaceDouble(v, m.ckksParameters().defaultScale(), 0)));
        files.add(write("ct-scale-nan.ct", replaceDouble(v, m.ckksParameters().defaultScale(), Double.NaN)));
        for (int i = 0; i < 6; i++) {
            files.add(write("ct-trunc-" + i + ".ct", Arrays.copyOf(v, RND.nextInt(v.length))));
        }
        for (int attempt = 0; files.size() < 40 && attempt < 200; attempt++) {
            byte[] f = v.clone();
            f[RND.nextInt(lenOff + 40)] ^= (byte) (1 + RND.nextInt(255));
            if (fails(() -> CiphertextFiles.read(write("ctp.ct", f), m.ckksParameters()))) {
                files.add(write("ct-flip-" + attempt + ".ct", f));
            }
        }
        files.add(dir);
        for (Path f : files) {
            out.add(new Case("ciphertext " + f.getFileName(), new String[]{"infer", "decrypt", model.toString(),
                    "--key", key, "--in", f.toString()}));
        }
        out.add(new Case("server scale 1e300", new String[]{"infer", "eval", model.toString(), "--keys",
                keys.resolve("eval.keys").toString(), "--in", dir.resolve("ct-scale-1e300.ct").toString(), "--out",
                dir.resolve("o.ct").toString()}));
        out.add(new Case("keygen over an existing key", new String[]{"infer", "keygen", model.toString(), "--dir",
                keys.toString()}));
        out.add(new Case("--json into a missing directory", new String[]{"infer", "decrypt", model.toString(),
                "--key", key, "--in", ct.toString(), "--json", dir.resolve("no/such/dir/x.json").toString()}));
        return out;
    }

    private List<Case> clientKeys() throws Exception {
        List<Case> out = new ArrayList<>();
        byte[] v = Files.readAllBytes(keys.resolve("client.key"));
        ExportedModel m = ExportedModel.read(model);
        int idLen = m.ckksParameters().id().getBytes(StandardCharsets.UTF_8).length;
        int lenOff = 19 + 2 + idLen + 32;
        List<Path> files = new ArrayList<>();
        for (int bad : new int[]{Integer.MAX_VALUE, -1, 1 << 30, 0, 7}) {
            files.add(write("key-len-" + bad + ".key", putInt(v, lenOff, bad)));
        }
        files.add(write("key-trailing.key", concat(v, new byte[]{0})));
        files.add(write("key-50-bytes.key", Arrays.copyOf(v, 50)));
        files.add(write("key-empty.key", new byte[0]));
        files.add(write("key-seed-flip.key", xor(v, 19 + 2 + idLen + 5)));
        files.add(write("key-magic.key", xor(v, 0)));
        files.add(write("key-id.key", xor(v, 22)));
        for (int i = 0; i < 6; i++) {
            files.add(write("key-trunc-" + i + ".key", Arrays.copyOf(v, RND.nextInt(v.length))));
        }
        for (int attempt = 0; files.size() < 25 && attempt < 200; attempt++) {
            byte[] f = xor(v, RND.nextInt(v.length));
            if (fails(() -> InferenceClient.load(m, write("kp.key", f)))) {
                files.add(write("key-flip-" + attempt + ".key", f));
            }
        }
        for (Path f : files) {
            out.add(new Case("client key " + f.getFileName(), new String[]{"infer", "decrypt", model.toString(),
                    "--key", f.toString(), "--in", ct.toString()}));
        }
        return out;
    }

    private List<Case> evalKeys() throws Exception {
        byte[] v = Files.readAllBytes(keys.resolve("eval.keys"));
        List<Path> files = new ArrayList<>();
        files.add(write("ek-magic.keys", xor(v, 1)));
        files.add(write("ek-trailing.keys", concat(v, new byte[]{9})));
        files.add(write("ek-trunc-a.keys", Arrays.copyOf(v, 30)));
        files.add(write("ek-trunc-b.keys", Arrays.copyOf(v, v.length / 2)));
        files.add(write("ek-trunc-c.keys", Arrays.copyOf(v, v.length - 1)));
        List<Case> out = new ArrayList<>();
        for (Path f : files) {
            out.add(new Case("eval keys " + f.getFileName(), new String[]{"infer", "eval", model.toString(),
                    "--keys", f.toString(), "--in", ct.toString(), "--out", dir.resolve("o.ct").toString()}));
        }
        return out;
    }

    // ---------------------------------------------------------------- users' own data (CIFAR-10, npz, folder)

    /** A copy of a generated set ({@link TinyData}) with one file replaced (null content: deleted). */
    private static Path ownSet(String set, String name, String file, byte[] content) throws IOException {
        Path src = dir.resolve("tiny").resolve(set);
        Path d = dir.resolve("own-" + name);
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : walk.toList()) {
                Path t = d.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        Path target = d.resolve(file);
        if (content == null) {
            Files.delete(target);
        } else {
            Files.createDirectories(target.getParent());
            Files.write(target, content);
        }
        return d;
    }

    private static Case ownCase(String set, String name, String file, byte[] content, String names)
            throws IOException {
        Path d = ownSet(set, name, file, content);
        return new Case("own data " + name, new String[]{"train", dir.resolve("tiny").resolve(set + ".yaml")
                .toString(), "--data", d.toString(), "--epochs", "1", "--out", dir.resolve("own-out").toString()},
                names);
    }

    private static byte[] npzWith(String array, byte[] npy) throws IOException {
        byte[][] tr = TinyData.npzU8Split(8, 1);
        byte[][] te = TinyData.npzU8Split(4, 2);
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x_train.npy", tr[0]);
        arrays.put("y_train.npy", tr[1]);
        arrays.put("x_test.npy", te[0]);
        arrays.put("y_test.npy", te[1]);
        if (npy == null) {
            arrays.remove(array);
        } else {
            arrays.put(array, npy);
        }
        List<Object> flat = new ArrayList<>();
        arrays.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        return TinyData.zip(flat.toArray());
    }

    private List<Case> ownData() throws IOException {
        TinyData.writeAll(Files.createDirectories(dir.resolve("tiny")));
        List<Case> out = new ArrayList<>();
        byte[] rec = TinyData.cifarRecords(4, 1);
        out.add(ownCase("cifar10", "cifar short record", "data_batch_1.bin", Arrays.copyOf(rec, rec.length - 1),
                "data_batch_1.bin"));
        byte[] badLabel = rec.clone();
        badLabel[2 * io.henas.data.Cifar10.RECORD] = (byte) 200;
        out.add(ownCase("cifar10", "cifar label out of range", "test_batch.bin", badLabel, "test_batch.bin"));
        out.add(ownCase("cifar10", "cifar empty batch", "test_batch.bin", new byte[0], "test_batch.bin"));
        out.add(ownCase("cifar10", "cifar missing test batch", "test_batch.bin", null, "test_batch.bin"));
        byte[] x = TinyData.npzU8Split(8, 1)[0];
        out.add(ownCase("npz-u8", "npz fortran order", "data.npz", npzWith("x_train.npy", TinyData.npy("|u1", true,
                new long[]{8, 8, 8, 3}, new byte[8 * 192])), "x_train.npy"));
        out.add(ownCase("npz-u8", "npz float64", "data.npz", npzWith("x_test.npy", TinyData.npy("<f8", false,
                new long[]{4, 8, 8, 3}, new byte[8 * 4 * 192])), "x_test.npy"));
        out.add(ownCase("npz-u8", "npz big-endian float32", "data.npz", npzWith("x_train.npy", TinyData.npy(">f4",
                false, new long[]{8, 8, 8, 3}, new byte[4 * 8 * 192])), "x_train.npy"));
        out.add(ownCase("npz-u8", "npz mixed shapes", "data.npz", npzWith("x_test.npy", TinyData.npy("|u1", false,
                new long[]{4, 7, 8, 3}, new byte[4 * 168])), "x_test.npy"));
        out.add(ownCase("npz-u8", "npz short array", "data.npz", npzWith("x_train.npy",
                Arrays.copyOf(x, x.length - 10)), "x_train.npy"));
        out.add(ownCase("npz-u8", "npz huge announced shape", "data.npz", npzWith("x_train.npy", TinyData.npy("|u1",
                false, new long[]{1L << 40, 8, 8, 3}, new byte[64])), "x_train.npy"));
        out.add(ownCase("npz-u8", "npz label out of range", "data.npz", npzWith("y_train.npy", TinyData.npy("<i8",
                false, new long[]{8}, TinyData.asInt64(new byte[]{0, 1, 2, 3, 0, 1, 2, 9}))), "y_train.npy"));
        out.add(ownCase("npz-u8", "npz label count", "data.npz", npzWith("y_test.npy", TinyData.npy("<i8", false,
                new long[]{3}, new byte[24])), "y_test.npy"));
        out.add(ownCase("npz-u8", "npz missing array", "data.npz", npzWith("y_test.npy", null), "data.npz"));
        out.add(ownCase("npz-u8", "npz not a zip", "data.npz", x, "data.npz"));
        byte[] badMagic = x.clone();
        badMagic[1] = 'X';
        out.add(ownCase("npz-u8", "npy bad magic", "data.npz", npzWith("x_train.npy", badMagic), "x_train.npy"));
        byte[] hugeHeader = x.clone();
        hugeHeader[6] = 2;
        out.add(ownCase("npz-u8", "npy header length", "data.npz", npzWith("x_train.npy", hugeHeader),
                "x_train.npy"));
        Path png = dir.resolve("tiny-big.png");
        TinyData.png(png, TinyData.images(1, 3, 20, 20, 3, 1), 0, 20, 20);
        out.add(ownCase("folder", "folder wrong image size", "train/1-green/big.png", Files.readAllBytes(png),
                "big.png"));
        byte[] pngBytes = Files.readAllBytes(png);
        out.add(ownCase("folder", "folder corrupt png", "test/0-red/broken.png", Arrays.copyOf(pngBytes, 40),
                "broken.png"));
        out.add(ownCase("folder", "folder not an image", "train/2-yellow/notes.jpg", "hello".getBytes(
                StandardCharsets.UTF_8), "notes.jpg"));
        out.add(ownCase("folder", "folder extra class", "train/3-blue/a.png", pngBytes, "train"));
        return out;
    }

    // ---------------------------------------------------------------- IDX

    private List<Case> idx() throws IOException {
        List<Case> out = new ArrayList<>();
        String img = "t10k-images-idx3-ubyte.gz";
        String lab = "t10k-labels-idx1-ubyte.gz";
        byte[] images = resource(img);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("bomb-huge-header", gz(header(Idx.IMAGES_MAGIC, 10_000_000, 4096, 4096), 32 << 20));
        bad.put("bomb-trailing", gz(header(Idx.IMAGES_MAGIC, 10, 28, 28), 32 << 20));
        bad.put("bomb-labels", gz(header(Idx.LABELS_MAGIC, Integer.MAX_VALUE), 32 << 20));
        bad.put("gz-truncated", Arrays.copyOf(images, images.length / 2));
        bad.put("gz-crc", xor(images, images.length - 6));
        bad.put("gz-body", xor(images, images.length / 3));
        bad.put("plain-magic", header(0x00000802, 1, 28, 28));
        bad.put("plain-type", header(0x00000903, 1, 28, 28));
        bad.put("plain-dims", header(0x00000804, 1, 28, 28));
        bad.put("plain-count-neg", concat(header(Idx.IMAGES_MAGIC, -1, 28, 28), new byte[784]));
        bad.put("plain-rows-0", header(Idx.IMAGES_MAGIC, 1, 0, 28));
        bad.put("plain-rows-huge", header(Idx.IMAGES_MAGIC, 1, 65536, 65536));
        bad.put("plain-short", concat(header(Idx.IMAGES_MAGIC, 2, 28, 28), new byte[784]));
        bad.put("plain-long", concat(header(Idx.IMAGES_MAGIC, 1, 28, 28), new byte[785]));
        bad.put("plain-wrong-shape", concat(header(Idx.IMAGES_MAGIC, 1, 27, 29), new byte[27 * 29]));
        bad.put("empty", new byte[0]);
        bad.put("three-bytes", new byte[]{0, 0, 8});
        for (var e : bad.entrySet()) {
            Path d = idxDir(e.getKey(), img, e.getValue());
            out.add(new Case("idx images " + e.getKey(), new String[]{"infer", model.toString(), "--data",
                    d.toString()}));
        }
        Path d = idxDir("labels-count", lab, gz(concat(header(Idx.LABELS_MAGIC, 5), new byte[5]), 0));
        out.add(new Case("idx labels count mismatch", new String[]{"infer", model.toString(), "--data",
                d.toString()}));
        Path dd = idxDir("dir-as-file", "README", new byte[0]);
        Files.delete(dd.resolve(img));
        Files.createDirectories(dd.resolve(img));
        out.add(new Case("idx directory as file", new String[]{"infer", model.toString(), "--data", dd.toString()}));
        out.add(new Case("idx missing dir", new String[]{"infer", model.toString(), "--data",
                dir.resolve("no-data").toString()}));
        return out;
    }

    static Path idxDir(String name, String file, byte[] content) throws IOException {
        Path d = Files.createDirectories(dir.resolve("idx-" + name));
        for (String f : new String[]{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.write(d.resolve(f), resource(f));
        }
        Files.write(d.resolve(file), content);
        return d;
    }

    static byte[] resource(String f) throws IOException {
        try (var in = io.henas.data.Datasets.class.getResourceAsStream(f)) {
            return in.readAllBytes();
        }
    }

    static byte[] header(int magic, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length).putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    /** {@code head} then {@code zeros} zero bytes, gzipped (a bomb when large). */
    static byte[] gz(byte[] head, int zeros) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(head);
            byte[] chunk = new byte[1 << 20];
            for (int left = zeros; left > 0; left -= chunk.length) {
                z.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
        return b.toByteArray();
    }

    // ---------------------------------------------------------------- trials.db

    private List<Case> databases() throws IOException {
        List<Case> out = new ArrayList<>();
        byte[] v = Files.readAllBytes(runDir.resolve("trials.db"));
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("header-overwritten", putInt(putInt(putInt(putInt(v, 0, 0), 4, 0), 8, 0), 12, 0));
        bad.put("truncated-100", Arrays.copyOf(v, 100));
        bad.put("truncated-half", Arrays.copyOf(v, v.length / 2));
        byte[] page2 = v.clone();
        Arrays.fill(page2, Math.min(4096, v.length - 1), Math.min(4096 + 200, v.length), (byte) 0x5a);
        bad.put("page-2-garbage", page2);
        bad.put("random", randomBytes(8192));
        bad.put("text", "not a database".getBytes(StandardCharsets.US_ASCII));
        bad.put("empty", new byte[0]);
        for (var e : bad.entrySet()) {
            Path d = Files.createDirectories(dir.resolve("db-" + e.getKey()));
            Files.write(d.resolve("trials.db"), e.getValue());
            out.add(new Case("trials.db " + e.getKey(), new String[]{"search", space.toString(), "--resume", "--out",
                    d.toString(), "--no-knee"}));
        }
        Path dd = Files.createDirectories(dir.resolve("db-dir").resolve("trials.db"));
        out.add(new Case("trials.db directory", new String[]{"search", space.toString(), "--resume", "--out",
                dd.getParent().toString(), "--no-knee"}));
        out.add(new Case("resume missing dir", new String[]{"search", space.toString(), "--resume", "--out",
                dir.resolve("no-run").toString(), "--no-knee"}));
        return out;
    }

    // ---------------------------------------------------------------- helpers

    @org.junit.jupiter.api.Test
    void aSecondSearchOnADirectoryInUseExitsTwoNamingTheHolder() throws Exception {
        Path busy = Files.createDirectories(dir.resolve("busy-2"));
        try (RunDirectoryLock l = RunDirectoryLock.acquire(busy)) {
            Run r = run("search", space.toString(), "--out", busy.toString(), "--no-knee");
            checkOneClearMessage("busy", r.code(), r.err());
            assertTrue(r.err().contains("in use") && r.err().contains("pid " + ProcessHandle.current().pid()),
                    r.err());
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static boolean fails(Action a) {
        try {
            a.run();
            return false;
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            return true;
        }
    }

    static Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    static byte[] flip(byte[] v) {
        byte[] m = v.clone();
        m[RND.nextInt(m.length)] ^= (byte) (1 + RND.nextInt(255));
        return m;
    }

    static byte[] xor(byte[] v, int at) {
        byte[] m = v.clone();
        m[at] ^= 0x5a;
        return m;
    }

    static byte[] putInt(byte[] v, int at, int value) {
        byte[] m = v.clone();
        ByteBuffer.wrap(m).putInt(at, value);
        return m;
    }

    static byte[] putShort(byte[] v, int at, int value) {
        byte[] m = v.clone();
        ByteBuffer.wrap(m).putShort(at, (short) value);
        return m;
    }

    static byte[] replaceDouble(byte[] v, double from, double to) {
        byte[] pattern = ByteBuffer.allocate(8).putDouble(from).array();
        for (int i = 0; i + 8 <= v.length; i++) {
            if (Arrays.equals(v, i, i + 8, pattern, 0, 8)) {
                byte[] m = v.clone();
                ByteBuffer.wrap(m).putDouble(i, to);
                return m;
            }
        }
        throw new AssertionError("scale " + from + " not found in the ciphertext file");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] m = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, m, a.length, b.length);
        return m;
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RND.nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

}
