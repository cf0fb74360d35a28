package io.henas.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code henas export}: Export a chosen model to a self-describing .henas file. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export a chosen model to a self-describing .henas file.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Arguments (not built yet).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        throw new NotBuiltException("henas export (export)", "issue 7");
    }
}
