package io.henas.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code henas cost}: Compile an architecture to an HE plan and predict its depth, parameters and encrypted latency. */
@Command(name = "cost", mixinStandardHelpOptions = true, description = "Compile an architecture to an HE plan and predict its depth, parameters and encrypted latency.")
final class CostCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Arguments (not built yet).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        throw new NotBuiltException("henas cost (the HE cost model)", "issue 4");
    }
}
