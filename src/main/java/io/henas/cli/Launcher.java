package io.henas.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The jar's entry point, compiled for Java 17 (see pom.xml) so that {@code java -jar target/henas.jar} works whatever
 * {@code java} is first on the PATH. It runs {@link Main} in a JVM that is at least version 25 and has the flags
 * ND4J/JavaCPP need ({@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}) and the
 * Vector API module of the vectorised NTT ({@code --add-modules=jdk.incubator.vector}):
 * (and with {@code OMP_WAIT_POLICY=PASSIVE} unless set) in this JVM when it already qualifies, otherwise in a child JVM found in {@code HENAS_JAVA_HOME},
 * {@code JAVA_HOME} or {@code /usr/lib/jvm}. The child inherits JVM options, arguments and standard streams, and its
 * exit code is returned.
 */
public final class Launcher {
    static final int MIN_FEATURE = 25;
    static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "--add-modules=jdk.incubator.vector",
            // what Hazelcast asks for (else every cluster member prints a multi-line warning)
            "--add-modules=java.se", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.management/sun.management=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED");
    /** System property with the launcher's pid: the child exits when that process is gone (see {@code ParentWatch}). */
    static final String PARENT_PID = "henas.parent.pid";
    /** How long the child may take to shut down cleanly after its parent died, before it halts. */
    static final long ORPHAN_GRACE_MS = 5000;
    private static final String MAIN = "io.henas.cli.Main";
    private static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean qualifies = Runtime.version().feature() >= MIN_FEATURE && jvmArgs.containsAll(JVM_FLAGS)
                && System.getenv(OMP_WAIT_POLICY) != null;
        if (qualifies || Boolean.getBoolean("henas.launched")) {
            Class.forName(MAIN).getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        Path java = findJava();
        if (java == null) {
            System.err.println("henas: needs a JDK " + MIN_FEATURE + " or newer, but this is Java "
                    + Runtime.version().feature() + " (" + System.getProperty("java.home") + ") and none was found in"
                    + " HENAS_JAVA_HOME, JAVA_HOME or /usr/lib/jvm. Install one (e.g. Temurin 25) and set JAVA_HOME.");
            System.exit(2);
        }
        System.exit(relaunch(java, jvmArgs, args));
    }

    private static int relaunch(Path java, List<String> jvmArgs, String[] args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(JVM_FLAGS);
        for (String a : jvmArgs) {
            if (!JVM_FLAGS.contains(a)) {
                cmd.add(a);
            }
        }
        cmd.add("-Dhenas.launched=true");
        cmd.add("-D" + PARENT_PID + "=" + ProcessHandle.current().pid());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        // ND4J's OpenMP threads spin while idle by default, which starves the other core's work (10-25x slower
        // training when anything else runs); passive waiting costs nothing measurable on a quiet machine.
        pb.environment().putIfAbsent(OMP_WAIT_POLICY, "PASSIVE");
        Process p = pb.start();
        // SIGTERM/SIGINT/SIGHUP of this process: forward a SIGTERM and wait for the child's clean shutdown (it saves
        // its state), then force it. kill -9 of this process cannot be caught: the child watches us instead.
        Thread stopChild = new Thread(() -> {
            if (p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(ORPHAN_GRACE_MS * 2, TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        }, "henas-stop-child");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }


    /** The java executable of the current JVM if it is new enough, else of the first JDK >= 25 found. */
    static Path findJava() {
        List<Path> homes = new ArrayList<>();
        homes.add(Path.of(System.getProperty("java.home")));
        for (String env : new String[]{"HENAS_JAVA_HOME", "JAVA_HOME"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                homes.add(Path.of(v));
            }
        }
        Path jvmDir = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvmDir)) {
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(jvmDir)) {
                ds.forEach(found::add);
            } catch (IOException ignored) {
                // no candidates from this directory
            }
            found.sort((a, b) -> Integer.compare(feature(b), feature(a)));
            homes.addAll(found);
        }
        for (Path home : homes) {
            Path java = home.resolve("bin").resolve(File.separatorChar == '\\' ? "java.exe" : "java");
            if (feature(home) >= MIN_FEATURE && Files.isExecutable(java)) {
                return java;
            }
        }
        return null;
    }

    private static final Pattern RELEASE_VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

    /** The feature version a JDK home declares in its {@code release} file, or 0. */
    static int feature(Path home) {
        try {
            Matcher m = RELEASE_VERSION.matcher(Files.readString(home.resolve("release"), StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
