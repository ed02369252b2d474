package io.maskimpact.cli;

import io.maskimpact.query.QueryException;
import io.maskimpact.query.QuerySessions;
import io.maskimpact.query.RunAnalysis;
import io.maskimpact.schema.OutputSchema;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code analyze}: per-layer summaries and MLlib clusters of a finished run, written next to it. */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Analyse a finished run with Spark (MLlib for the clusters) and write the results as tables next to it, listed in "
                + "its _manifest.json under \"" + OutputSchema.MANIFEST_ANALYSIS_KEY + "\":",
                "  " + OutputSchema.ANALYSIS_DIR + "/" + OutputSchema.LAYER_SUMMARY
                        + "     distance statistics per variant, layer and token kind",
                "  " + OutputSchema.ANALYSIS_DIR + "/" + OutputSchema.TOKEN_CLUSTERS
                        + "    every token of every step with its KMeans cluster",
                "  " + OutputSchema.ANALYSIS_DIR + "/" + OutputSchema.CLUSTER_PROFILES
                        + "  each cluster's centre: the normalised impact at each layer",
                "A token's profile is its --metric of --variant at every layer, divided by the largest value of its "
                        + "(pair, step, layer). Clusters are numbered by impact: 0 is the most impactful. Running it "
                        + "again replaces the tables. 'query' opens them as views.", ""},
        footer = AnalyzeCommand.FOOTER)
public class AnalyzeCommand implements Callable<Integer> {
    /** The exit codes of {@code analyze} and the errors behind them (values from {@link ExitCodes}). */
    static final String FOOTER = "%nExit codes:%n"
            + "  0  done: the tables are written and listed in _manifest.json%n"
            + "  1  internal error (a bug or an I/O failure; see the log)%n"
            + "  2  usage error: unknown option, --out missing, --metric not l2_distance or cosine_distance, --k not "
            + "from 2 to 1000, --max-iter below 1%n"
            + "  3  cannot analyze: --out is not a finished run (no impact/ table, or no _manifest.json while a run is "
            + "unfinished), it has no rows of --variant, or fewer than 2 token profiles%n";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "The run folder (the --out of 'run' or 'demo'; a path or a Hadoop URI).")
    String out;

    @Option(names = "--variant", paramLabel = "NAME", defaultValue = "Full",
            description = "The variant whose profiles are clustered (Full, Attn, Head_<h>, ...). Default: ${DEFAULT-VALUE}.")
    String variant;

    @Option(names = "--metric", paramLabel = "COLUMN", defaultValue = OutputSchema.L2_DISTANCE,
            description = "l2_distance or cosine_distance. Default: ${DEFAULT-VALUE}.")
    String metric;

    @Option(names = "--k", paramLabel = "N", defaultValue = "4",
            description = "Number of clusters, 2..1000 (fewer if the run has fewer tokens). Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "KMeans seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "30",
            description = "The most KMeans iterations. Default: ${DEFAULT-VALUE}.")
    int maxIter;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[4] or spark://host:7077. Default: Spark's own setting, else local[*].")
    String master;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        boolean owned = !QuerySessions.exists();
        SparkSession spark = null;
        try {
            spark = QuerySessions.getOrCreate(master, "mask-impact analyze");
            RunAnalysis.Result result = new RunAnalysis(spark,
                    new RunAnalysis.Request(out, variant, metric, k, seed, maxIter)).run(err);
            stdout.printf("Analysed %s: %d token profiles of %d layers (%s, %s), %d clusters of sizes %s%n",
                    out, result.tokens(), result.layers().size(), variant, metric, result.k(), result.clusterSizes());
            result.tables().forEach((table, rows) -> stdout.printf("  %s/%s/  %d rows%n",
                    OutputSchema.ANALYSIS_DIR, table, rows));
            stdout.printf("Listed in %s/%s under \"%s\". Query them: query --out %s --sql \"SELECT * FROM %s\"%n",
                    out, OutputSchema.MANIFEST_FILE, OutputSchema.MANIFEST_ANALYSIS_KEY, out, OutputSchema.CLUSTER_PROFILES);
            stdout.flush();
            return ExitCodes.OK;
        } catch (QueryException e) {
            return QueryCommand.failed(err, e);
        } finally {
            if (owned && spark != null) {
                spark.stop();
            }
        }
    }
}
