package io.maskimpact.bench.cli;

import io.maskimpact.bench.EngineBenchmark;
import io.maskimpact.cli.JobLauncher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** The project home (-Dmaskimpact.home, set by submit.sh) and the model folders found from it. */
final class ProjectHome {
    private ProjectHome() {
    }

    static Path home() {
        return Paths.get(System.getProperty("maskimpact.home", ".")).toAbsolutePath().normalize();
    }

    /**
     * A model folder as given: a relative path that does not exist from the working directory is
     * taken from the project home, so {@code models/tiny-llava} works from anywhere.
     */
    static Path modelDir(Path given) {
        if (given.isAbsolute() || Files.exists(given)) {
            return given;
        }
        return home().resolve(given);
    }

    /**
     * @param given the folders on the command line, or null for the defaults
     * @param defaults folders relative to the project home
     * @return the model folders a benchmark runs on
     */
    static List<Path> modelDirs(List<Path> given, String... defaults) {
        List<Path> dirs = new ArrayList<>();
        if (given == null) {
            for (String d : defaults) {
                dirs.add(home().resolve(d));
            }
        } else {
            given.forEach(g -> dirs.add(modelDir(g)));
        }
        return dirs;
    }

    /**
     * @param given {@code --models} as given ({@code DIR} or {@code DIR@SIDE}), or null for the defaults
     * @param err where a usage error goes
     * @param command the command's name, for the error
     * @param defaults the default specs, relative to the project home
     * @return the targets, or null after a usage error
     */
    static List<EngineBenchmark.Target> targets(List<String> given, PrintWriter err, String command, String... defaults) {
        List<EngineBenchmark.Target> targets = new ArrayList<>();
        try {
            for (String spec : given != null ? given : List.of(defaults)) {
                targets.add(EngineBenchmark.Target.parse(spec, d -> given != null ? modelDir(Path.of(d)) : home().resolve(d)));
            }
        } catch (IllegalArgumentException e) {
            JobLauncher.usage(err, command, "Invalid value for --models: " + e.getMessage());
            return null;
        }
        return targets;
    }
}
