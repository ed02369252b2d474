package io.maskimpact.bench.cli;

import io.maskimpact.cli.Options;
import io.maskimpact.run.JobConf;
import io.maskimpact.run.JobConfException;
import io.maskimpact.run.SparkSessions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark sessions the benchmarks start: the job's settings, stopped when the benchmark is done. */
final class BenchSessions {
    private BenchSessions() {
    }

    /** Starts a Spark session the way the job does (same settings, same ZSTD level). */
    static SparkSession start(String master, Integer zstdLevel) {
        Map<String, String> cli = new LinkedHashMap<>();
        Options.put(cli, JobConf.MASTER, master);
        Options.put(cli, JobConf.ZSTD_LEVEL, zstdLevel);
        try {
            JobConf.Resolved resolved = JobConf.resolve(cli, new SparkConf());
            return SparkSessions.getOrCreate(resolved.conf(), resolved.sparkSettings());
        } catch (JobConfException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Stops a session a benchmark started, so that a later one in the JVM starts afresh. */
    static void stop(SparkSession spark) {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }
}
