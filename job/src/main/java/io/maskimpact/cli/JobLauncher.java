package io.maskimpact.cli;

import io.maskimpact.run.JobConf;
import io.maskimpact.run.JobConfException;
import io.maskimpact.run.MaskImpactJob;
import io.maskimpact.run.RunReport;
import io.maskimpact.run.RunSetupException;
import io.maskimpact.run.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job for a command: resolves settings, starts (or joins) Spark, runs, prints the
 * summary and maps the outcome to an exit code. A session this class started is stopped at the
 * end; one that was already running (tests, notebooks) is left running.
 */
public final class JobLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);

    private JobLauncher() {
    }

    /**
     * Resolves a command's settings; an invalid one is a usage error.
     *
     * @param cli command-line values by setting key
     * @param command the command's name, for messages
     * @param err where errors go
     * @return the resolved settings, or null after printing a usage error
     */
    static JobConf.Resolved resolve(Map<String, String> cli, String command, PrintWriter err) {
        try {
            return JobConf.resolve(cli, new SparkConf());
        } catch (JobConfException e) {
            usage(err, command, e.getMessage());
            return null;
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /**
     * Prints a usage error: the message, then where the command's options are described.
     *
     * @param err where the error goes
     * @param command the command as typed after {@code mask-impact}, e.g. {@code run} or {@code bench engine}
     * @param message one line: what is wrong with which option
     */
    public static void usage(PrintWriter err, String command, String message) {
        err.println(message);
        err.println(MaskImpact.tryHelp("mask-impact " + command));
        err.flush();
    }

    /**
     * @param resolved the run's settings
     * @param out where the summary goes
     * @param err where progress and errors go
     * @return the exit code
     */
    static int launch(JobConf.Resolved resolved, PrintWriter out, PrintWriter err) {
        boolean owned = !SparkSessions.exists();
        SparkSession spark = null;
        try {
            spark = SparkSessions.getOrCreate(resolved.conf(), resolved.sparkSettings());
            String master = resolved.conf().master();
            if (!owned && master != null && !master.equals(spark.sparkContext().master())) {
                err.println("warning: --master " + master + " ignored: this JVM already runs Spark on "
                        + spark.sparkContext().master());
            }
            RunReport report = new MaskImpactJob(spark, resolved, err).run();
            err.flush();
            report.lines().forEach(out::println);
            if (report.runPairsOk() > 0) {
                NextSteps.lines(report, resolved.conf().csv()).forEach(out::println);
            }
            out.flush();
            return report.runPairsOk() > 0 ? ExitCodes.OK : ExitCodes.NOTHING_ANALYSED;
        } catch (RunSetupException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.CANNOT_START;
        } catch (IOException e) {
            LOG.error("Run failed", e);
            err.println("Cannot write to " + resolved.conf().out() + ": " + e.getMessage());
            err.flush();
            return ExitCodes.SOFTWARE;
        } catch (Exception e) {
            // the command's boundary: a failed Spark job (SparkException is checked but undeclared) or a bug
            LOG.error("Run failed", e);
            err.println("Run failed: " + io.maskimpact.input.InputErrors.oneLine(rootCause(e)) + " (committed batches are "
                    + "kept: rerun with --mode resume to finish; the stack trace is in the log above)");
            err.flush();
            return ExitCodes.SOFTWARE;
        } finally {
            if (owned && spark != null) {
                spark.stop();
            }
        }
    }
}
