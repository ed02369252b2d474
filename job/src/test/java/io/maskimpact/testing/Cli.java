package io.maskimpact.testing;

import io.maskimpact.cli.MaskImpact;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the real command line in-process and captures what it prints. */
public final class Cli {

    /**
     * @param code the exit code
     * @param out what went to standard output
     * @param err what went to standard error
     */
    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    private Cli() {
    }

    /**
     * Runs {@code mask-impact} with the given arguments.
     *
     * @param args the command line
     * @return exit code and output
     */
    public static Result run(String... args) {
        return execute(MaskImpact.commandLine(), args);
    }

    /**
     * Runs another top command, such as the bench module's.
     *
     * @param command an instance of a picocli {@code @Command} class
     * @param args the command line after the command's name
     * @return exit code and output
     */
    public static Result execute(Object command, String... args) {
        return execute(new CommandLine(command), args);
    }

    private static Result execute(CommandLine cmd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
