package io.henas.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root {@code henas} command. Results go to standard output; progress and logs to standard error. */
@Command(name = "henas", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Search for neural networks that run fast under CKKS homomorphic encryption.",
        subcommands = {BenchCommand.class, CostCommand.class, TrainCommand.class, SearchCommand.class,
                ExportCommand.class, InferCommand.class, ServeCommand.class, ClientCommand.class, CompareCommand.class,
                io.henas.cluster.WorkerCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error (a bug)", "2:bad input (arguments, files, configuration)",
                "3:not built yet"})
public final class Main implements Runnable {

    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Log debug details to standard error.")
    void verbose(boolean v) {
        if (v) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Native memory ND4J may hold unless {@code -Dorg.bytedeco.javacpp.maxbytes} says otherwise. JavaCPP's default is
     * the heap's maximum, so a large {@code -Xmx} (e.g. for Galois keys) doubled the process's reach: {@code compare
     * -Xmx16g} was OOM-killed at 24 GB RSS on a 23 GB machine while training. Proxy and full trainings of our networks
     * stay far below this bound; when it is reached JavaCPP first collects garbage.
     */
    static final String ND4J_MAX_BYTES = "3G";

    /**
     * Resident memory (heap in use + native) beyond the heap's maximum that JavaCPP tolerates before it collects
     * garbage and then refuses native allocations, unless {@code -Dorg.bytedeco.javacpp.maxphysicalbytes} says
     * otherwise. Without a bound, full DL4J trainings grew to 10-11.5 GB RSS (glibc arenas of freed native buffers
     * that only a collection returns) and were OOM-killed; with it a full Fashion-MNIST training stayed near 3.5 GB.
     */
    static final long ND4J_PHYSICAL_HEADROOM = 4L << 30;

    public static void main(String[] args) {
        ParentWatch.watchParent(); // in the child JVM the launcher started: exit when it is gone
        if (System.getProperty("org.bytedeco.javacpp.maxbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxbytes", ND4J_MAX_BYTES);
        }
        if (System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxphysicalbytes",
                    Long.toString(Runtime.getRuntime().maxMemory() + ND4J_PHYSICAL_HEADROOM));
        }
        System.exit(execute(args));
    }

    /** Runs the command line in this JVM and returns the exit code (used by tests). */
    public static int execute(String... args) {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        return run(commandLine(), args);
    }

    /** Executes {@code cl}; an OutOfMemoryError (not an Exception, so picocli lets it through) is exit 2. */
    static int run(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // not an Exception, so picocli lets it through: one line, no trace (a heap too small for the input)
            cl.getErr().println("henas: " + ExitCodes.message(e));
            cl.getErr().flush();
            return ExitCodes.BAD_INPUT;
        }
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(new ExitCodes());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            PrintWriter err = line.getErr();
            err.println("henas " + line.getCommandName() + ": " + ExitCodes.message(ex));
            if (ExitCodes.of(ex) == ExitCodes.INTERNAL || System.getProperty("org.slf4j.simpleLogger.defaultLogLevel",
                    "").equals("debug")) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.of(ex);
        });
        return cl;
    }

    /** Reads the version from the filtered resource written by Maven. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[]{"henas " + p.getProperty("version", "unknown"),
                    "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
                    "OS " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }
    }
}
