package io.maskimpact.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.output.CsvExport;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.RunManifest;
import io.maskimpact.output.TableFacts;
import io.maskimpact.output.TableWriter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Step 7 of a run: make every table readable, export CSV if asked, and write
 * {@code _manifest.json} last.
 *
 * <p>The run's entry in the manifest counts over all its invocations (a resumed run's pairs
 * included). Cost: one footer read per data file (driver), the current file list of each Delta
 * table, and with {@code --csv} a sort of each table into one file.
 */
final class FinishRun {

    private FinishRun() {
    }

    static List<TableFacts> run(RunFolder folder, TableWriter writer, JobConf conf, CheckModel.ModelInfo model,
                                List<ObjectNode> previousRuns, Instant started, Configuration hadoop,
                                MaskImpactJob.StepTimes times, RunCounts counts) throws IOException {
        for (String table : OutputSchema.TABLES) {
            writer.ensureExists(table);
        }

        Map<String, String> csv = Map.of();
        if (conf.csv()) {
            csv = CsvExport.export(writer, folder);
            times.end("csv_export");
        }
        List<TableFacts> facts = new ArrayList<>();
        for (String table : OutputSchema.TABLES) {
            facts.add(TableFacts.read(writer, folder, table, hadoop));
        }
        List<ObjectNode> runs = new ArrayList<>(previousRuns);
        ObjectNode entry = runEntry(conf, model, started, counts);
        times.end("finish");
        ObjectNode timings = entry.putObject("step_seconds");
        times.seconds().forEach((k, v) -> timings.put(k, Math.round(v * 1000) / 1000.0));
        runs.add(entry);
        copyViewer(folder);
        RunManifest.Header header = new RunManifest.Header(model.name(), model.numLayers(), model.numHeads(),
                conf.analysis().variants().names(model.numHeads()));
        RunManifest.write(folder, RunManifest.build(folder, conf.runId(), conf.format(), header, runs, facts, csv));
        return facts;
    }

    /**
     * Copies the viewer's static app ({@code viewer/app/} of the project, found through
     * {@code -Dmaskimpact.home}) into {@code <out>/viewer/}, so the run folder opens by itself;
     * skipped when the app is not there (e.g. a cluster without the project's sources).
     */
    private static void copyViewer(RunFolder folder) throws IOException {
        java.nio.file.Path app = java.nio.file.Path.of(System.getProperty("maskimpact.home", "."), "viewer", "app");
        if (!java.nio.file.Files.isRegularFile(app.resolve("index.html"))) {
            return;
        }
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(folder.root(), RunFolder.VIEWER_DIR);
        folder.delete(target);
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(app)) {
            for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                folder.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()),
                        new org.apache.hadoop.fs.Path(target, f.getFileName().toString()));
            }
        }
    }

    private static ObjectNode runEntry(JobConf conf, CheckModel.ModelInfo model, Instant started, RunCounts counts) {
        ObjectNode run = RunManifest.json().createObjectNode();
        Instant finished = Instant.now();
        run.put("run_id", conf.runId());
        run.put("model", model.name());
        run.put("model_description", model.description());
        run.put("layers", model.numLayers());
        run.put("heads", model.numHeads());
        run.put("started_at", started.toString());
        run.put("finished_at", finished.toString());
        run.put("wall_seconds", (finished.toEpochMilli() - started.toEpochMilli()) / 1000.0);
        conf.toSettings().forEach(run.putObject("settings")::put);
        ObjectNode c = run.putObject("counts");
        c.put("pairs_ok", counts.pairsOk());
        c.put("pairs_failed", counts.pairsFailed());
        c.put("impact_rows", counts.impactRows());
        c.put("step_rows", counts.stepRows());
        c.put("error_rows", counts.errorRows());
        return run;
    }
}
