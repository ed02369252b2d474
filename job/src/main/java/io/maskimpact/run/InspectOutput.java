package io.maskimpact.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.output.OutputFormat;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.RunManifest;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;

/**
 * Step 1 of a run: look at the output folder, read-only, and decide what the run writes.
 *
 * <p>Every mode refuses a non-empty folder that holds no mask-impact run. The default mode,
 * error, also refuses a folder that holds a run, naming it (id, date, pairs) and the modes that
 * would use the folder; append refuses a folder of the other table format and a run id that is
 * taken. Resume picks the
 * folder's newest run record ({@code _runs/<id>.json}) and continues that run with its
 * recorded settings: manifest and model unless given again, and every setting that changes
 * the rows (mask mode, steps, variants, algorithm, rounding, format), which may not be given
 * with another value. With no run record, resume starts a new run.
 */
final class InspectOutput {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

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
            case ERROR -> "write to";
            case OVERWRITE -> "overwrite";
            case APPEND -> "append to";
            case RESUME -> "resume in";
        };
        if (folder.isNonEmpty() && !holdsRun) {
            throw RunErrors.notARunFolder(out, action);
        }
        List<ObjectNode> previous = previousRuns(folder);
        if (conf.mode() == WriteMode.ERROR && holdsRun) {
            throw RunErrors.runExists(out, latestRun(folder, previous));
        }
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

    /**
     * Describes the folder's newest run for the refusal of the default mode: its id, when it
     * finished (with its pair count) or that it is unfinished, and how many runs there are.
     */
    private static String latestRun(RunFolder folder, List<ObjectNode> finished) throws IOException {
        List<Path> records = folder.runRecords();
        if (records.isEmpty() && finished.isEmpty()) {
            return "an unfinished run (" + OutputSchema.RUNS_DIR + "/ without a run record)";
        }
        JsonNode latest = records.isEmpty() ? finished.get(finished.size() - 1)
                : RunManifest.json().readTree(folder.readText(records.get(records.size() - 1)));
        String runId = latest.path("run_id").asText("?");
        JsonNode entry = finished.stream().filter(r -> runId.equals(r.path("run_id").asText())).findFirst().orElse(null);
        String what;
        if (entry == null) {
            what = "started " + date(latest.path("started_at").asText()) + ", unfinished";
        } else {
            JsonNode counts = entry.path("counts");
            long ok = counts.path("pairs_ok").asLong();
            long failed = counts.path("pairs_failed").asLong();
            what = "finished " + date(entry.path("finished_at").asText()) + ", " + (ok + failed) + " pairs"
                    + (failed > 0 ? " (" + failed + " failed)" : "");
        }
        int runs = Math.max(records.size(), finished.size());
        return (runs > 1 ? runs + " runs, the latest " : "run ") + runId + " (" + what + ")";
    }

    private static String date(String instant) {
        try {
            return DATE.format(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return instant;
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
