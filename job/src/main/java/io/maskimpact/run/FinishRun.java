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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Step 7 of a run: make every table readable, export CSV if asked, and write
 * {@code _manifest.json} last.
 *
 * <p>The run's entry in the manifest counts over all its invocations (a resumed run's pairs
 * included), read back from the {@code pairs} and {@code errors} tables. Cost: two small
 * aggregations, one footer read per data file (driver), and with {@code --csv} a sort of each
 * table into one file.
 */
final class FinishRun {

    private FinishRun() {
    }

    static List<TableFacts> run(RunFolder folder, TableWriter writer, JobConf conf, CheckModel.ModelInfo model,
                                List<ObjectNode> previousRuns, Instant started, Configuration hadoop,
                                MaskImpactJob.StepTimes times) throws IOException {
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
        ObjectNode entry = runEntry(writer, conf, model, started);
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

    private static ObjectNode runEntry(TableWriter writer, JobConf conf, CheckModel.ModelInfo model, Instant started) {
        ObjectNode run = RunManifest.json().createObjectNode();
        Instant finished = Instant.now();
        run.put("run_id", conf.runId());
        run.put("model", model.name());
        run.put("model_description", model.description());
        run.put("started_at", started.toString());
        run.put("finished_at", finished.toString());
        run.put("wall_seconds", (finished.toEpochMilli() - started.toEpochMilli()) / 1000.0);
        conf.toSettings().forEach(run.putObject("settings")::put);
        Row counts = writer.read(OutputSchema.PAIRS).where(functions.col(OutputSchema.RUN_ID).equalTo(conf.runId()))
                .agg(functions.sum(functions.when(functions.col(OutputSchema.STATUS).equalTo(OutputSchema.STATUS_OK), 1)
                                .otherwise(0)),
                        functions.sum(functions.when(functions.col(OutputSchema.STATUS).equalTo(OutputSchema.STATUS_OK), 0)
                                .otherwise(1)),
                        functions.sum(OutputSchema.IMPACT_ROWS), functions.sum(OutputSchema.STEPS_DONE))
                .first();
        long errors = writer.read(OutputSchema.ERRORS).where(functions.col(OutputSchema.RUN_ID).equalTo(conf.runId()))
                .count();
        ObjectNode c = run.putObject("counts");
        c.put("pairs_ok", counts.isNullAt(0) ? 0 : counts.getLong(0));
        c.put("pairs_failed", counts.isNullAt(1) ? 0 : counts.getLong(1));
        c.put("impact_rows", counts.isNullAt(2) ? 0 : counts.getLong(2));
        c.put("step_rows", counts.isNullAt(3) ? 0 : counts.getLong(3));
        c.put("error_rows", errors);
        return run;
    }
}
