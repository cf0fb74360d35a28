package io.henas.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code henas train}: Train an architecture with polynomial activations on Fashion-MNIST. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train an architecture with polynomial activations on Fashion-MNIST.")
final class TrainCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Arguments (not built yet).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        throw new NotBuiltException("henas train (the DL4J trainer)", "issue 5");
    }
}
