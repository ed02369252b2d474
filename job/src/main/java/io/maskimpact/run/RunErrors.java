package io.maskimpact.run;

import java.util.List;

/**
 * The messages of runs that cannot start, built in one place; each reads
 * "Cannot &lt;action&gt;: &lt;reason&gt; (&lt;what to do&gt;)".
 */
final class RunErrors {

    private RunErrors() {
    }

    static RunSetupException notARunFolder(String out, String mode) {
        return new RunSetupException("Cannot " + mode + " " + out
                + ": the folder is not empty and holds no mask-impact run (no _manifest.json or _runs/; choose another --out or empty it)",
                null);
    }

    static RunSetupException runExists(String out, String run) {
        return new RunSetupException("Cannot write to " + out + ": it holds " + run + " (use --mode overwrite to "
                + "replace it, --mode append to add a run beside it, or --mode resume to finish its last run)", null);
    }

    static RunSetupException formatMismatch(String out, String existing, String wanted) {
        return new RunSetupException("Cannot write " + wanted + " tables to " + out + ": it holds " + existing
                + " tables (use --format " + existing + ", or --mode overwrite to replace them)", null);
    }

    static RunSetupException runIdTaken(String out, String runId) {
        return new RunSetupException("Cannot start run " + runId + " in " + out
                + ": a run with this id exists (choose another --run-id, or --mode resume to finish it)", null);
    }

    static RunSetupException resumeConflict(String out, String runId, List<String> keys) {
        return new RunSetupException("Cannot resume run " + runId + " in " + out + ": "
                + String.join(", ", keys.stream().map(k -> "--" + k).toList())
                + " differ" + (keys.size() == 1 ? "s" : "") + " from the run's settings (leave "
                + (keys.size() == 1 ? "it" : "them") + " out to use the run's, or use --mode append for a new run)", null);
    }

    static RunSetupException unreadableRunRecord(String path, Exception e) {
        return new RunSetupException("Cannot resume from " + path + ": the run record is unreadable (" + e.getMessage()
                + "; use --mode overwrite to start again)", e);
    }

    static RunSetupException missingSetting(String key, String command) {
        return new RunSetupException("Cannot " + command + ": --" + key + " is required (or set " + key
                + " in the --conf file)", null);
    }

    static RunSetupException model(String message, Throwable cause) {
        return new RunSetupException(message, cause);
    }
}
