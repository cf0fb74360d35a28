package io.henas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.henas.data.DataSpec;
import io.henas.data.DataSplit;
import io.henas.data.Dataset;
import io.henas.data.Datasets;
import io.henas.ir.Architecture;
import io.henas.space.SearchSpace;
import io.henas.space.SpaceLoader;
import io.henas.space.SpaceWriter;
import io.henas.space.TrainBudget;
import io.henas.train.TrainConfig;
import io.henas.train.TrainOutput;
import io.henas.train.TrainResult;
import io.henas.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code henas train FILE.yaml [--epochs E] [--data DIR] --out DIR}: trains the fixed architecture of a space file
 * (or, with {@code --run RUN_DIR --pick TRIAL_ID}, the architecture of one trial of a search over that space, into
 * {@code RUN_DIR/trained/TRIAL_ID/} by default, where {@code henas export RUN_DIR --pick TRIAL_ID} finds it)
 * with its {@code train.full} budget (training images = the first {@code train_images} of the training split after
 * holding out {@code validation_images} from its end; accuracy on the first {@code test_images} test images, else on
 * the held-out images) and writes {@code model.zip}, {@code weights.json}, {@code folded-weights.json} and
 * {@code metrics.json}. Progress goes to standard error, a one-line summary to standard output. Exit code 0 when
 * training succeeded, 2 when the file or data are bad or training failed (NaN or diverging loss; the reason is in
 * {@code metrics.json}). The space's dataset and preprocessing ({@link CliData}) are written to {@code input.json}, which
 * export carries into the model.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a fixed architecture (a space file without choices) on its dataset (fashion-mnist,"
                + " mnist, cifar10, npz or folder), with its declared preprocessing.")
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.yaml", description = "Space file of one fixed architecture.")
    Path file;

    @Option(names = "--epochs", paramLabel = "E", description = "Epochs (default: train.full.epochs of the file).")
    Integer epochs;

    @Option(names = "--data", paramLabel = "DIR", description = "The data of the file's dataset: Fashion-MNIST or"
            + " MNIST IDX files, the extracted CIFAR-10 binary version, a .npz archive (or its directory), or an image"
            + " folder with train/<class>/ and test/<class>/ (default for fashion-mnist: " + Datasets.DEBIAN_DIR
            + " if installed, else the shipped 6,000/1,000 subset; required otherwise).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (required unless --run; with --run"
            + " default RUN_DIR/trained/TRIAL_ID).")
    Path out;

    @Option(names = "--run", paramLabel = "RUN_DIR", description = "A search run over FILE.yaml: train one of its trials"
            + " (--pick) instead of the file's fixed architecture.")
    Path run;

    @Option(names = "--pick", paramLabel = "TRIAL_ID", description = "With --run: the trial to train (a front model,"
            + " the knee or a reference; ids in trials.csv / pareto.json).")
    Integer pick;

    @Option(names = "--architecture-only", description = "Only write DIR/architecture.yaml (the trial as a fixed"
            + " space file) and stop.")
    boolean architectureOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        SearchSpace space = SpaceLoader.load(file);
        DataSpec spec = CliData.spec(space.datasetInfo());
        Architecture arch;
        if (run != null) {
            if (pick == null) {
                throw new IllegalArgumentException("--run needs --pick TRIAL_ID");
            }
            arch = RunTrials.architecture(space, file, run, pick, stderr::println);
            if (out == null) {
                out = run.resolve("trained").resolve(Integer.toString(pick));
                java.nio.file.Files.createDirectories(out); // the default place inside the run
            } else {
                CliFiles.outputDirectory("--out", out);
            }
            java.nio.file.Files.writeString(out.resolve("architecture.yaml"), SpaceWriter.fixedYaml(arch, space));
            stderr.println("trial " + pick + " of " + run + ": " + arch.name() + " -> " + out.resolve("architecture.yaml"));
            if (architectureOnly) {
                stdout.println(out.resolve("architecture.yaml"));
                stdout.flush();
                return ExitCodes.OK;
            }
        } else {
            if (pick != null || architectureOnly) {
                throw new IllegalArgumentException("--pick and --architecture-only need --run RUN_DIR");
            }
            if (out == null) {
                throw new IllegalArgumentException("--out DIR is required (unless --run)");
            }
            // only DIR itself is created, before any training: a missing parent is an error naming it
            CliFiles.outputDirectory("--out", out);
            arch = space.fixed();
        }
        TrainBudget b = space.full();
        DataSplit split = CliData.load(spec, data);
        stderr.println("data: " + spec.kind().key() + " from " + split.source() + (split.shipped()
                ? " (install dataset-fashion-mnist or pass --data for the full dataset)" : ""));
        DataSplit.Selection sel = split.select(b.trainImages(), b.validationImages(), b.testImages());
        Dataset train = spec.preprocessing().apply(sel.train());
        Dataset eval = spec.preprocessing().apply(sel.eval());
        if (!spec.preprocessing().isIdentity()) {
            stderr.println("preprocessing: " + spec.preprocessing());
        }
        int e = epochs != null ? epochs : b.epochs();
        TrainConfig cfg = TrainConfig.ofBudget(TrainConfig.Mode.FULL, e, b.batchSize(), b.learningRate(), b.seed(),
                b.augment().shift(), b.augment().flip(), b.weightDecay());
        stderr.println("training " + arch.name() + " (" + arch.parameterCount() + " parameters) on "
                + train.size() + " images for " + e + " epochs, evaluating on " + eval.size());
        TrainResult r = Trainer.train(arch, cfg, train, eval, line -> {
            stderr.println(line);
            stderr.flush();
        });
        TrainOutput.write(out, r);
        CliData.writeSpec(out, spec);
        stdout.println(String.format(Locale.ROOT, "%s %s train_acc=%.4f test_acc=%.4f seconds=%.1f images/s=%.0f"
                        + " out=%s%s", arch.name(), r.status(), r.trainAccuracy(), r.evalAccuracy(), r.seconds(),
                r.imagesPerSecond(), out, r.ok() ? "" : " reason=" + r.failureReason()));
        stdout.flush();
        return r.ok() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
    }
}
