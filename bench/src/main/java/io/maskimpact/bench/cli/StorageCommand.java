package io.maskimpact.bench.cli;

import io.maskimpact.bench.StorageBenchmark;
import io.maskimpact.bench.SyntheticImpact;
import io.maskimpact.cli.ExitCodes;
import io.maskimpact.cli.JobLauncher;
import io.maskimpact.run.JobConf;
import io.maskimpact.run.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench storage}: bytes per impact row, the job's writer against CSV, JSON Lines and default Parquet. */
@Command(name = "storage", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a synthetic impact table with the original tool's shape (3.8M rows: 36 layers x 34 "
                + "variants x ~310 tokens x 5 steps x 2 pairs, distances rounded to 4 decimals) exactly as the job "
                + "writes impact, and the same rows as CSV, JSON Lines and Spark's default Parquet; then each "
                + "variation of the writer (ZSTD level, sort key, page and row-group sizes, types, encodings). "
                + "Reports bytes per row and writes the 'storage' section.", ""},
        footer = BenchCommand.FOOTER)
class StorageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Scratch folder for the written tables (overwritten).")
    Path out;

    @Option(names = "--pairs", paramLabel = "N", description = "Pairs. Default: 2.")
    Integer pairs;

    @Option(names = "--steps", paramLabel = "N", description = "Generation steps per pair. Default: 5.")
    Integer steps;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers. Default: 36.")
    Integer layers;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads (variants = heads + 2). Default: 32.")
    Integer heads;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the values. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "2",
            description = "Spark tasks per write, as a run's --partitions. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--only-job",
            description = "Skip the variations and the value-scale check: the job's writer and the three baselines only.")
    boolean onlyJob;

    @Option(names = "--master", paramLabel = "URL", defaultValue = "local[2]",
            description = "Spark master. Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--zstd-level", paramLabel = "N",
            description = "The job's ZSTD level to compare against. Default: the job's default, "
                    + JobConf.DEFAULT_ZSTD_LEVEL + ".")
    Integer zstdLevel;

    @Mixin
    DocOptions doc;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        SyntheticImpact.Shape d = SyntheticImpact.Shape.ORIGINAL;
        SyntheticImpact.Shape shape = new SyntheticImpact.Shape(pairs != null ? pairs : d.pairs(),
                steps != null ? steps : d.steps(), layers != null ? layers : d.layers(),
                heads != null ? heads : d.heads(), d.grid(), d.questionTokens(), d.templateTokens());
        if (shape.pairs() < 1 || shape.steps() < 1 || shape.layers() < 1 || shape.heads() < 1 || partitions < 1) {
            JobLauncher.usage(err, "bench storage", "Invalid value: --pairs, --steps, --layers, --heads and "
                    + "--partitions must be at least 1");
            return ExitCodes.USAGE;
        }
        boolean owned = !SparkSessions.exists();
        SparkSession spark = BenchSessions.start(master, zstdLevel);
        try {
            err.println("[bench] storage: " + String.format("%,d", shape.rows()) + " rows into " + out);
            err.flush();
            StorageBenchmark.Report report = StorageBenchmark.run(spark, out.toAbsolutePath(), shape, seed, partitions,
                    onlyJob ? List.of() : StorageBenchmark.experiments(), onlyJob ? new double[0] : new double[] {0.25, 4});
            doc.publish(StorageBenchmark.SECTION, report.markdown(doc.commandLine()));
            return ExitCodes.OK;
        } finally {
            if (owned) {
                BenchSessions.stop(spark);
            }
        }
    }
}
