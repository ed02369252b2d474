package io.maskimpact.bench.cli;

import io.maskimpact.bench.BenchmarkDoc;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where a benchmark's section goes, and the command line it names: a mixin of every benchmark. */
public class DocOptions {
    @Option(names = "--doc", paramLabel = "FILE",
            description = "Benchmarks file whose section is rewritten. Default: docs/BENCHMARKS.md in the project "
                    + "home (-Dmaskimpact.home, set by submit.sh).")
    Path doc;

    @Option(names = "--no-doc", description = "Only print the section; leave the benchmarks file alone.")
    boolean noDoc;

    @Spec(Spec.Target.MIXEE)
    CommandSpec benchmark;

    Path file() {
        return doc != null ? doc : ProjectHome.home().resolve("docs").resolve("BENCHMARKS.md");
    }

    /**
     * The command line as typed, for the section's "Command:" line, without {@code --doc}/{@code --no-doc}
     * (they only say where the section goes).
     */
    String commandLine() {
        List<String> parts = new ArrayList<>(List.of("./submit.sh", "bench"));
        List<String> args = benchmark.commandLine().getParseResult().originalArgs();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--doc")) {
                i++;
            } else if (!a.startsWith("--doc=") && !a.equals("--no-doc")) {
                parts.add(a);
            }
        }
        return String.join(" ", parts);
    }

    /** Prints the section on the benchmark's standard output and, unless --no-doc, writes it. */
    void publish(String key, String markdown) throws IOException {
        PrintWriter out = benchmark.commandLine().getOut();
        out.println(markdown);
        if (!noDoc) {
            BenchmarkDoc.writeSection(file(), key, markdown);
            out.println("(section '" + key + "' of " + file() + " rewritten)");
        }
        out.flush();
    }
}
