package io.maskimpact.output;

import java.util.Locale;

/** How the tables are stored. */
public enum OutputFormat {
    /** Plain hive-partitioned Parquet files. */
    PARQUET,
    /** Delta Lake tables: each write is a table version; time travel works. */
    DELTA;

    /** @return the Spark data source name */
    public String source() {
        return name().toLowerCase(Locale.ROOT);
    }
}
