package io.maskimpact.bench.cli;

import io.maskimpact.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the rerunnable benchmarks behind docs/BENCHMARKS.md, one subcommand each.
 *
 * <pre>
 * ./submit.sh bench engine
 * ./submit.sh bench storage --out /tmp/bench-storage
 * ./submit.sh bench throughput
 * ./submit.sh bench cost
 * ./submit.sh bench vs-transformers
 * </pre>
 *
 * <p>Each subcommand prints its Markdown section and rewrites only that section of the
 * benchmarks file (between its markers), so benchmarks run at different times share the file.
 * Numbers are wall times on whatever machine runs them: compare ratios within one section.
 * The benchmarks are their own module, outside the job's jars; {@link #main} is what
 * {@code ./submit.sh bench} runs, and tests call {@code new CommandLine(new BenchCommand()).execute(args)}.
 */
@Command(name = "mask-impact bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a benchmark and write its section of docs/BENCHMARKS.md: engine (exact vs naive), storage "
                + "(bytes per impact row), throughput (pairs/s, local[1] vs local[2], where the time goes), cost (analysis "
                + "vs plain generation), vs-transformers (the engine vs transformers' generate).", ""},
        subcommands = {EngineCommand.class, StorageCommand.class, ThroughputCommand.class, CostCommand.class,
                VsTransformersCommand.class},
        footer = BenchCommand.FOOTER)
public class BenchCommand implements Callable<Integer> {

    /** The exit codes of the benchmarks. */
    static final String FOOTER = "%nExit codes:%n"
            + "  0  done (goals that were not met are marked in the output, not in the exit code)%n"
            + "  1  internal error (a bug or an I/O failure; see the log)%n"
            + "  2  usage error: unknown option or invalid value%n"
            + "  3  cannot start: a model folder is missing or cannot be loaded%n";

    @Spec
    CommandSpec spec;

    /**
     * Runs a benchmark and exits with its code.
     *
     * @param args the command line after {@code bench}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
