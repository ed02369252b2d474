package io.maskimpact.parity;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The transformers reference harness ({@code models/reference/harness.py}) run as a child process, with the
 * Python that has transformers 5.17 and torch (made by {@code models/reference/setup.sh}).
 *
 * <pre>
 * Path python = ReferenceHarness.python(null, home);   // null: none on this machine
 * boolean ok = ReferenceHarness.run(python, home, List.of("reference", "--model", ...), "parity", err);
 * </pre>
 */
public final class ReferenceHarness {

    private ReferenceHarness() {
    }

    /**
     * @param override a Python the user named, or null
     * @param home the project's home
     * @return {@code override}, else {@code $MASK_IMPACT_PYTHON}, else {@code models/reference/.venv/bin/python} when
     *     it exists; null when there is none
     */
    public static Path python(Path override, Path home) {
        if (override != null) {
            return override;
        }
        String env = System.getenv("MASK_IMPACT_PYTHON");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path venv = home.resolve("models/reference/.venv/bin/python");
        return Files.isExecutable(venv) ? venv : null;
    }

    /**
     * Runs {@code harness.py} with the arguments; its output goes to this process's stdout and stderr.
     *
     * @param python the Python to run it with
     * @param home the project's home
     * @param args the harness's subcommand and options
     * @param label the caller's name, for the log lines
     * @param err where the command line and a failure to start are logged
     * @return whether it exited with 0
     */
    public static boolean run(Path python, Path home, List<String> args, String label, PrintWriter err) {
        List<String> command = new ArrayList<>(List.of(python.toString(), home.resolve("models/reference/harness.py").toString()));
        command.addAll(args);
        err.println("[" + label + "] running transformers: " + String.join(" ", command));
        err.flush();
        Process p;
        try {
            p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            err.println("[" + label + "] cannot start " + python + ": " + e.getMessage());
            return false;
        }
        try {
            return p.waitFor() == 0;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
