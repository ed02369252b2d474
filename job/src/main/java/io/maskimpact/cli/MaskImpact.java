package io.maskimpact.cli;

import java.io.PrintWriter;
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
 * and only {@link #main} exits the JVM, so tests call {@code MaskImpact.commandLine().execute(args)}.
 */
@Command(name = "mask-impact", mixinStandardHelpOptions = true, versionProvider = MaskImpact.Version.class,
        description = {"Per-token, per-layer masking impact of a vision-language model, on Apache Spark: for every "
                + "image/question pair, generation step, decoder layer and input token, how much the layer's update "
                + "changes when that token is hidden from attention.", ""},
        subcommands = {RunCommand.class, DemoCommand.class, ServeCommand.class, QueryCommand.class,
            SqlCommand.class, AnalyzeCommand.class, ToyDataCommand.class, ParityCommand.class,
            CommandLine.HelpCommand.class},
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
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the command line, whose usage errors (an unknown option, a missing or bad value)
     *     print one line, picocli's suggestions for a misspelt option, and where the help is, not
     *     the whole help
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new MaskImpact());
        cmd.setParameterExceptionHandler(MaskImpact::usageError);
        return cmd;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println(tryHelp(cmd.getCommandSpec().qualifiedName()));
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * @param command the command's full name, e.g. {@code mask-impact run}
     * @return the line that follows every usage error
     */
    static String tryHelp(String command) {
        return "Try '" + command + " --help' for the options.";
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
