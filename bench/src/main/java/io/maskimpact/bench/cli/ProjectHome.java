package io.maskimpact.bench.cli;

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
}
