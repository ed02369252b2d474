package io.maskimpact.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.input.PairSpec;
import io.maskimpact.output.OutputFormat;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.RunManifest;
import io.maskimpact.output.TableWriter;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 4 of a run: make the output folder ready, the first step that changes it.
 *
 * <p>Overwrite removes the whole previous run (see {@link #removeOldRun}). Append and resume delete the staging
 * folders of killed Spark jobs. Resume then finds the pairs its run completed (those with a
 * {@code pairs} row: that table is written last in every commit) and deletes the rows of the
 * run's other pairs from {@code impact}, {@code effects}, {@code steps} and {@code errors}, which an interrupted
 * commit may have left; they are analysed again. Last, the run record {@code _runs/<id>.json}
 * is written, so that a killed run can be resumed.
 *
 * <p>Cost for resume: a few small Spark jobs per table (read the run's pair ids and counts, delete).
 */
final class PrepareOutput {
    private static final Logger LOG = LoggerFactory.getLogger(PrepareOutput.class);

    private PrepareOutput() {
    }

    /**
     * @param done the pairs the run completed in earlier invocations (empty unless resuming)
     * @param prior what those invocations wrote
     */
    record Result(Set<String> done, RunCounts prior) {
    }

    static Result run(RunFolder folder, TableWriter writer, JobConf conf, boolean resuming, List<PairSpec> pairs)
            throws IOException {
        Set<String> done = new HashSet<>();
        RunCounts prior = RunCounts.NONE;
        if (conf.mode() == WriteMode.OVERWRITE) {
            removeOldRun(folder, writer, conf);
        } else {
            for (String table : OutputSchema.TABLES) {
                folder.removeJobLeftovers(table);
            }
        }
        if (resuming) {
            long ok = 0;
            long failed = 0;
            long impactRows = 0;
            long stepRows = 0;
            for (Row r : writer.runRows(OutputSchema.PAIRS, conf.runId(), OutputSchema.PAIR_ID, OutputSchema.STATUS,
                    OutputSchema.IMPACT_ROWS, OutputSchema.STEPS_DONE)) {
                done.add(r.getString(0));
                if (OutputSchema.STATUS_OK.equals(r.getString(1))) {
                    ok++;
                } else {
                    failed++;
                }
                impactRows += r.getLong(2);
                stepRows += r.getInt(3);
            }
            Set<String> unfinished = new HashSet<>();
            for (PairSpec p : pairs) {
                if (!done.contains(p.pairId())) {
                    unfinished.add(p.pairId());
                }
            }
            for (String table : List.of(OutputSchema.IMPACT, OutputSchema.EFFECTS, OutputSchema.STEPS, OutputSchema.ERRORS)) {
                int files = writer.deletePairs(table, conf.runId(), unfinished);
                if (files != 0) {
                    LOG.info("Resume: removed rows of unfinished pairs from {} ({})", table,
                            files < 0 ? "Delta delete" : files + " files");
                }
            }
            long errorRows = writer.runRows(OutputSchema.ERRORS, conf.runId(), OutputSchema.STAGE).size();
            prior = new RunCounts(ok, failed, impactRows, stepRows, errorRows);
        }
        Path record = folder.runRecord(conf.runId());
        if (!folder.fs().exists(record)) {
            ObjectNode node = RunManifest.json().createObjectNode();
            node.put("run_id", conf.runId());
            node.put("started_at", Instant.now().toString());
            conf.toSettings().forEach(node.putObject("settings")::put);
            folder.writeTextAtomically(record, RunManifest.json().writeValueAsString(node));
        }
        return new Result(done, prior);
    }

    /**
     * Removes everything runs and the demo write in a folder: the tables (Delta tables are
     * emptied as a new version instead, so their history stays readable), {@code analysis/},
     * {@code csv/}, {@code images/}, {@code viewer/}, the demo's {@code _input/}, then
     * {@code _manifest.json} and last the run records, so that an interrupted removal leaves a
     * folder that overwrite still accepts. An entry that holds this run's manifest (the demo's
     * {@code _input/}) is kept; files no run writes are left alone.
     */
    private static void removeOldRun(RunFolder folder, TableWriter writer, JobConf conf) throws IOException {
        for (String table : OutputSchema.TABLES) {
            if (conf.format() == OutputFormat.DELTA && folder.isDelta(table)) {
                folder.removeJobLeftovers(table);
                writer.truncateDelta(table);
            } else {
                folder.delete(folder.table(table));
            }
        }
        for (String entry : List.of(OutputSchema.ANALYSIS_DIR, OutputSchema.CSV_DIR, RunFolder.IMAGES_DIR,
                RunFolder.VIEWER_DIR, RunFolder.INPUT_DIR)) {
            Path path = new Path(folder.root(), entry);
            if (conf.manifest() == null || !folder.contains(path, conf.manifest())) {
                folder.delete(path);
            }
        }
        folder.delete(folder.manifest());
        folder.delete(new Path(folder.root(), OutputSchema.RUNS_DIR));
    }
}
