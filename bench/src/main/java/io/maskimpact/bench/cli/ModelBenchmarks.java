package io.maskimpact.bench.cli;

import io.maskimpact.cli.ExitCodes;
import io.maskimpact.input.PairRejection;
import io.maskimpact.model.ModelLoadException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Running a benchmark that loads models: one libtorch thread, each model folder in turn. */
final class ModelBenchmarks {
    private ModelBenchmarks() {
    }

    /** One model benchmark: a model folder, pairs and steps in, one result out. */
    interface ModelBenchmark<R> {
        R run(Path modelDir, int pairs, int steps) throws ModelLoadException, PairRejection;
    }

    /**
     * Runs a model benchmark on each folder, collecting results.
     *
     * @return {@link ExitCodes#OK}, or the code to exit with (a missing or unloadable model, a failed pair)
     */
    static <R> int perModel(String name, List<Path> dirs, int pairs, int steps, PrintWriter err, List<R> results,
                            ModelBenchmark<R> benchmark) {
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                err.println("Cannot run the " + name + " benchmark: model folder " + dir + " does not exist");
                return ExitCodes.CANNOT_START;
            }
            err.println("[bench] " + name + ": " + dir.getFileName() + " (" + pairs + " pairs, " + steps + " steps)");
            err.flush();
            try {
                results.add(benchmark.run(dir, pairs, steps));
            } catch (ModelLoadException e) {
                err.println("Cannot run the " + name + " benchmark: " + e.getMessage());
                return ExitCodes.CANNOT_START;
            } catch (PairRejection e) {
                err.println("Cannot run the " + name + " benchmark: " + e.getMessage());
                return ExitCodes.SOFTWARE;
            }
        }
        return ExitCodes.OK;
    }

    /**
     * One libtorch intra-op thread, unless the user chose: a task is one core's worth of work
     * (Spark runs one task per core), and DJL reads the setting once, when its engine starts.
     */
    static void singleIntraOpThread() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }
}
