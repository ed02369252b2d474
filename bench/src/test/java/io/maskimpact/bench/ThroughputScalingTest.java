package io.maskimpact.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.family.TinyModels;
import io.maskimpact.run.JobConf;
import io.maskimpact.run.SparkSessions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaling part of the throughput benchmark runs the real job once per master and round, each
 * in its own Spark session (so this class starts no session of its own). No time is asserted.
 */
class ThroughputScalingTest {

    @TempDir
    Path dir;

    @Test
    void runsTheJobPerMasterAndCountsItsPairsAndRows() throws Exception {
        Path model = TinyModels.modelsDir().resolve(TinyModels.LLAVA);
        StringWriter log = new StringWriter();
        List<ThroughputBenchmark.Run> runs = ThroughputBenchmark.scaling(model, dir, 3, List.of("local[1]", "local[2]"), 1,
                Map.of(JobConf.MAX_NEW_TOKENS, "2"), new PrintWriter(log, true));
        assertThat(runs).extracting(ThroughputBenchmark.Run::master).containsExactly("local[1]", "local[2]");
        for (ThroughputBenchmark.Run r : runs) {
            assertThat(r.pairs()).as("%s: every toy pair analysed", r.master()).isEqualTo(3);
            assertThat(r.rows()).as("%s: impact rows", r.master()).isPositive();
            assertThat(r.impactSeconds()).as("%s: the impact job is part of the run", r.master())
                    .isPositive().isLessThanOrEqualTo(r.seconds());
            assertThat(r.cpuSeconds()).isPositive();
            assertThat(r.maxTaskCpuSeconds()).as("%s: tasks' CPU from Spark's metrics", r.master())
                    .isPositive().isLessThanOrEqualTo(r.taskCpuSeconds());
        }
        assertThat(runs.get(0).rows()).as("same pairs, same rows").isEqualTo(runs.get(1).rows());
        assertThat(log.toString()).contains("write impact");
        assertThat(SparkSessions.exists()).as("every session it started is stopped").isFalse();
    }
}
