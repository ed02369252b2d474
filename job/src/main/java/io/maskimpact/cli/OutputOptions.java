package io.maskimpact.cli;

import io.maskimpact.run.JobConf;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the tables are written. */
public class OutputOptions {

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "parquet or delta (Delta Lake tables: each write is a version; time travel). Default: "
                    + JobConf.DEFAULT_FORMAT + ".")
    String format;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "What to do when --out already holds a run: error (refuse, naming the run), overwrite "
                    + "(remove the whole old run first), append (add a new run beside it) or resume (finish its last run: "
                    + "skip its completed pairs, never duplicate rows). Default: " + JobConf.DEFAULT_MODE + ".")
    String mode;

    @Option(names = "--round-decimals", paramLabel = "N",
            description = "Round distances to N decimals (0-9): smaller files. Default: none.")
    String roundDecimals;

    @Option(names = "--zstd-level", paramLabel = "N",
            description = "ZSTD level of the Parquet files (1-22). Default: " + JobConf.DEFAULT_ZSTD_LEVEL + ".")
    String zstdLevel;

    @Option(names = "--csv", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Also export each table as one CSV file, <out>/csv/<table>.csv, for spreadsheets.")
    String csv;

    void putInto(Map<String, String> cli) {
        Options.put(cli, JobConf.FORMAT, format);
        Options.put(cli, JobConf.MODE, mode);
        Options.put(cli, JobConf.ROUND_DECIMALS, roundDecimals);
        Options.put(cli, JobConf.ZSTD_LEVEL, zstdLevel);
        Options.put(cli, JobConf.CSV, csv);
    }
}
