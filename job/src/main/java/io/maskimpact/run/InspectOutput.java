package io.maskimpact.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.output.OutputFormat;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.RunManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;

/**
 * Step 1 of a run: look at the output folder, read-only, and decide what the run writes.
 *
 * <p>Overwrite and append refuse a non-empty folder that holds no mask-impact run; append
 * refuses a folder of the other table format and a run id that is taken. Resume picks the
 * folder's newest run record ({@code _runs/<id>.json}) and continues that run with its
 * recorded settings: manifest and model unless given again, and every setting that changes
 * the rows (mask mode, steps, variants, algorithm, rounding, format), which may not be given
 * with another value. With no run record, resume starts a new run.
 */
final class InspectOutput {

    /**
     * @param conf the settings to run with (for resume: the resumed run's)
     * @param resumedRunId the run being resumed, or null
     * @param previousRuns finished runs already listed in {@code _manifest.json}, except the resumed one
     */
    record State(JobConf conf, String resumedRunId, List<ObjectNode> previousRuns) {
    }

    private InspectOutput() {
    }

    static State run(RunFolder folder, JobConf conf, Set<String> explicit) throws RunSetupException, IOException {
        String out = conf.out();
        boolean holdsRun = folder.holdsRun();
        String action = switch (conf.mode()) {
            case OVERWRITE -> "overwrite";
            case APPEND -> "append to";
            case RESUME -> "resume in";
        };
        if (folder.isNonEmpty() && !holdsRun) {
            throw RunErrors.notARunFolder(out, action);
        }
        List<ObjectNode> previous = previousRuns(folder);
        if (conf.mode() == WriteMode.OVERWRITE || !holdsRun) {
            return new State(conf, null, conf.mode() == WriteMode.OVERWRITE ? List.of() : previous);
        }
        if (conf.mode() == WriteMode.APPEND) {
            checkFormat(folder, conf);
            if (folder.fs().exists(folder.runRecord(conf.runId()))) {
                throw RunErrors.runIdTaken(out, conf.runId());
            }
            return new State(conf, null, previous);
        }
        List<Path> records = folder.runRecords();
        if (records.isEmpty()) {
            checkFormat(folder, conf);
            return new State(conf, null, previous);
        }
        Path last = records.get(records.size() - 1);
        JobConf recorded;
        try {
            JsonNode record = RunManifest.json().readTree(folder.readText(last));
            Map<String, String> settings = new LinkedHashMap<>();
            record.get("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            recorded = JobConf.resolve(settings, null).conf();
        } catch (IOException | JobConfException | RuntimeException e) {
            throw RunErrors.unreadableRunRecord(last.toString(), e);
        }
        List<String> conflicts = conf.analysisDifferences(recorded).stream().filter(explicit::contains).toList();
        if (!conflicts.isEmpty()) {
            throw RunErrors.resumeConflict(out, recorded.runId(), conflicts);
        }
        JobConf resumed = conf.withRunId(recorded.runId())
                .withAnalysis(recorded.analysis(), recorded.roundDecimals(), recorded.format())
                .withInputs(explicit.contains(JobConf.MANIFEST) ? conf.manifest() : recorded.manifest(),
                        explicit.contains(JobConf.MODEL) ? conf.model() : recorded.model());
        List<ObjectNode> others = new ArrayList<>(previous);
        others.removeIf(r -> recorded.runId().equals(r.path("run_id").asText()));
        return new State(resumed, recorded.runId(), others);
    }

    private static void checkFormat(RunFolder folder, JobConf conf) throws IOException, RunSetupException {
        for (String table : OutputSchema.TABLES) {
            if (!folder.tableExists(table)) {
                continue;
            }
            OutputFormat existing = folder.isDelta(table) ? OutputFormat.DELTA : OutputFormat.PARQUET;
            if (existing != conf.format()) {
                throw RunErrors.formatMismatch(conf.out(), existing.source(), conf.format().source());
            }
        }
    }

    private static List<ObjectNode> previousRuns(RunFolder folder) throws IOException {
        ObjectNode manifest = RunManifest.read(folder);
        List<ObjectNode> runs = new ArrayList<>();
        if (manifest != null && manifest.has("runs")) {
            manifest.get("runs").forEach(r -> runs.add((ObjectNode) r));
        }
        return runs;
    }
}
