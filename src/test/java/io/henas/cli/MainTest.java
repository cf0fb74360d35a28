package io.henas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class MainTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheSixSubcommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String sub : new String[]{"bench", "cost", "train", "search", "export", "infer"}) {
            assertTrue(r.out().contains("  " + sub + " "), sub + " missing from:\n" + r.out());
        }
    }

    @Test
    void versionNamesHenasAndTheJdk() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("henas "), r.out());
        assertTrue(r.out().contains("JDK 25"), r.out());
    }

    @Test
    void unknownOptionIsBadInput() {
        Run r = run("--no-such-option");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("--no-such-option"), r.err());
    }

    @Test
    void exceptionsMapToExitCodes() {
        assertEquals(ExitCodes.BAD_INPUT, ExitCodes.of(new IllegalArgumentException("x")));
        assertEquals(ExitCodes.BAD_INPUT, ExitCodes.of(new java.nio.file.NoSuchFileException("f.yaml")));
        assertEquals(ExitCodes.INTERNAL, ExitCodes.of(new IllegalStateException("bug")));
        assertEquals(ExitCodes.NOT_BUILT, ExitCodes.of(new NotBuiltException("x", "issue 0")));
    }

    @Test
    void runningOutOfMemorySuggestsAHeapLargerThanTheOneThatRanOut() {
        long gib = 1L << 30;
        assertEquals(8, ExitCodes.largerHeapGib(4 * gib)); // small heaps: at least 8 GB
        assertEquals(12, ExitCodes.largerHeapGib(8 * gib)); // an 8 GB heap that ran out: not -Xmx8g again
        assertEquals(18, ExitCodes.largerHeapGib(12 * gib - 1));
        String m = ExitCodes.message(new OutOfMemoryError("Java heap space"));
        long max = Runtime.getRuntime().maxMemory();
        assertTrue(m.contains("-Xmx" + ExitCodes.largerHeapGib(max) + "g"), m);
    }
}
