package io.maskimpact.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code mask-impact} command line: per-token, per-layer masking impact of a
 * vision-language model, computed with Spark.
 *
 * <pre>
 * ./submit.sh demo
 * ./submit.sh run --manifest pairs.csv --out out/run1 --mask-mode vision --max-new-tokens 4
 * </pre>
 *
 * <p>Each subcommand is one class; every command returns its exit code (see {@link ExitCodes})
 * and only {@link #main} exits the JVM, so tests call
 * {@code new CommandLine(new MaskImpact()).execute(args)}.
 */
@Command(name = "mask-impact", mixinStandardHelpOptions = true, versionProvider = MaskImpact.Version.class,
        description = {"Per-token, per-layer masking impact of a vision-language model, on Apache Spark: for every "
                + "image/question pair, generation step, decoder layer and input token, how much the layer's update "
                + "changes when that token is hidden from attention.", ""},
        subcommands = {RunCommand.class, DemoCommand.class, ServeCommand.class, QueryCommand.class,
            AnalyzeCommand.class, ToyDataCommand.class, ParityCommand.class, CommandLine.HelpCommand.class},
        footer = {ExitCodes.FOOTER, "Benchmarks (a module of their own): ./submit.sh bench --help"})
public class MaskImpact implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /**
     * Runs a command and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new MaskImpact()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** The version from the jar's manifest, when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = MaskImpact.class.getPackage().getImplementationVersion();
            return new String[] {"mask-impact " + (v == null ? "(development build)" : v)};
        }
    }
}
