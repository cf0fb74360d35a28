package io.henas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Enforces the one-direction layering of DEVELOPERS.md by reading the import lines (and fully qualified
 * {@code io.henas.*} references) of every main source file.
 */
class LayeringTest {

    /** For each package, the henas packages it may use. Packages not listed here fail the test. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("ring", Set.of()),
            Map.entry("rlwe", Set.of("ring")),
            Map.entry("ckks", Set.of("ring", "rlwe")),
            Map.entry("ir", Set.of()),
            Map.entry("data", Set.of()),
            Map.entry("he", Set.of("ir", "ckks", "rlwe", "ring")),
            Map.entry("cost", Set.of("he", "ir", "ckks", "rlwe", "ring")),
            Map.entry("space", Set.of("ir")),
            Map.entry("train", Set.of("ir", "data")),
            Map.entry("export", Set.of("ir", "he", "train", "data", "ckks", "rlwe", "ring")),
            Map.entry("infer", Set.of("export", "he", "cost", "ir", "data", "train", "ckks", "rlwe", "ring")),
            Map.entry("bench", Set.of("cost", "he", "ir", "ckks", "rlwe", "ring")),
            Map.entry("search", Set.of("space", "ir", "train", "data", "cost", "he", "export", "ckks", "rlwe", "ring")),
            Map.entry("cluster", Set.of("search", "space", "ir", "train", "data", "cost", "he", "export", "ckks", "rlwe",
                    "ring")),
            Map.entry("compare", Set.of("space", "ir", "data", "train", "export", "he", "cost", "infer", "bench",
                    "ckks", "rlwe", "ring")),
            Map.entry("serve", Set.of("ir", "export", "infer", "ckks", "rlwe")),
            Map.entry("cli", Set.of("ring", "rlwe", "ckks", "ir", "data", "he", "cost", "space", "train", "export",
                    "infer", "bench", "search", "cluster", "compare", "serve")));

    /**
     * Packages that may import nothing but the JDK ({@code java.*}); ir's one JSON mapper ({@code ir/Json.java},
     * {@code ir/JsonException.java}) may also import Jackson, so every package that reads or writes JSON needs only ir.
     */
    static final Set<String> JDK_ONLY = Set.of("ring", "rlwe", "ckks", "ir", "data");

    /** The files of ir that hold the one configured Jackson mapper. */
    static final Set<String> JSON_FILES = Set.of("Json.java", "JsonException.java");

    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.henas\\.(\\w+)\\.");

    /** Violations in one source file of package {@code pkg}. */
    static List<String> violations(String pkg, String file, String source) {
        List<String> out = new ArrayList<>();
        Set<String> allowed = ALLOWED.get(pkg);
        if (allowed == null) {
            out.add(file + ": package io.henas." + pkg + " has no layering rule in LayeringTest.ALLOWED");
            return out;
        }
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
            String imp = m.group(1);
            if (imp.startsWith("io.henas.")) {
                continue; // checked below with the qualified references
            }
            // the JDK's Vector API module (jdk.incubator.vector) counts as the JDK: ring's vector NTT uses it
            // and javax.imageio counts as the JDK for data: image folders are decoded with it
            if (JDK_ONLY.contains(pkg) && !imp.startsWith("java.") && !imp.startsWith("jdk.incubator.vector.")
                    && !(pkg.equals("data") && imp.startsWith("javax.imageio."))
                    && !(pkg.equals("ir") && JSON_FILES.contains(Path.of(file).getFileName().toString())
                            && imp.startsWith("com.fasterxml.jackson."))) {
                out.add(file + ": io.henas." + pkg + " may import only the JDK (java.*, jdk.incubator.vector.*), "
                        + "but imports " + imp);
            }
        }
        String code = source.replaceAll("(?m)^\\s*package\\s+[\\w.]+\\s*;", "");
        Matcher q = QUALIFIED.matcher(code);
        while (q.find()) {
            String target = q.group(1);
            if (!target.equals(pkg) && !allowed.contains(target)) {
                out.add(file + ": io.henas." + pkg + " must not use io.henas." + target + " (allowed: " + allowed + ")");
            }
        }
        return out;
    }

    @Test
    void mainSourcesRespectTheLayering() throws IOException {
        Path root = Path.of("src/main/java/io/henas");
        assertTrue(Files.isDirectory(root), "run from the project root");
        List<String> all = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path rel = root.relativize(p);
                if (rel.getNameCount() < 2) {
                    all.add(p + ": sources belong in a package below io.henas");
                    continue;
                }
                files++;
                all.addAll(violations(rel.getName(0).toString(), p.toString(), Files.readString(p)));
            }
        }
        assertTrue(files > 0, "no sources found");
        assertEquals(List.of(), all, "layering violations");
    }

    @Test
    void aWrongWayImportIsCaught() {
        String src = "package io.henas.ring;\nimport io.henas.ckks.Evaluator;\nclass X {}\n";
        assertEquals(1, violations("ring", "X.java", src).size());
        String lib = "package io.henas.ckks;\nimport org.apache.commons.math3.util.FastMath;\nclass X {}\n";
        assertEquals(1, violations("ckks", "X.java", lib).size());
        String qualified = "package io.henas.he;\nclass X { io.henas.search.Engine e; }\n";
        assertEquals(1, violations("he", "X.java", qualified).size());
        String ok = "package io.henas.he;\nimport io.henas.ckks.Evaluator;\nimport java.util.List;\nclass X {}\n";
        assertEquals(List.of(), violations("he", "X.java", ok));
        assertEquals(1, violations("newpkg", "X.java", ok).size());
        String jackson = "package io.henas.ir;\nimport com.fasterxml.jackson.databind.ObjectMapper;\nclass X {}\n";
        assertEquals(List.of(), violations("ir", "src/main/java/io/henas/ir/Json.java", jackson));
        assertEquals(1, violations("ir", "src/main/java/io/henas/ir/Layer.java", jackson).size());
    }
}
