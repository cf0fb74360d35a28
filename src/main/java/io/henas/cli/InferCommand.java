package io.henas.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code henas infer}: Run an exported model in plaintext simulation or under real CKKS encryption. */
@Command(name = "infer", mixinStandardHelpOptions = true, description = "Run an exported model in plaintext simulation or under real CKKS encryption.")
final class InferCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Arguments (not built yet).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        throw new NotBuiltException("henas infer (encrypted inference)", "issue 7");
    }
}
