package io.henas.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code henas search}: Run a multi-objective architecture search over a YAML space. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Run a multi-objective architecture search over a YAML space.")
final class SearchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Arguments (not built yet).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        throw new NotBuiltException("henas search (the search)", "issue 6");
    }
}
