package io.henas.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code henas bench}: Benchmark the CKKS evaluator against the SEAL anchors and calibrate the cost model. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark the CKKS evaluator against the SEAL anchors and calibrate the cost model.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Arguments (not built yet).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        throw new NotBuiltException("henas bench (the CKKS benchmark)", "issue 3");
    }
}
