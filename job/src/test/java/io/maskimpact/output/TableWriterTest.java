package io.maskimpact.output;

import io.maskimpact.input.PixelImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.FakeAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.ImpactFiles;
import io.maskimpact.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The impact write: rows kept in the order the tasks give them, with no sort anywhere in the write. */
class TableWriterTest extends SparkTestBase {
    private static final int STEPS = 4;

    @TempDir
    Path dir;

    private static PairResult pair(String id) throws Exception {
        FakeAnalyzer fake = new FakeAnalyzer(new FakeAnalyzer.Spec(3, 12, 2, 2, 100, 0, Set.of(), Set.of()),
                AnalysisOptions.defaults(), "fake");
        return PairResult.ok(new PairResult.Input(id, "a.png", "file:/a.png", "what colour is it", "both", STEPS), "fake",
                new PairResult.Placement("driver", "cpu"), fake.analyze(new PairRequest(id, PixelImage.blank(2, 2, 3), "what colour is it",
                        STEPS, MaskMode.BOTH)), 0.5f);
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void impactRowsAreWrittenInTheTasksOrderWithoutSortingAndOneFilePerStepAndTask(OutputFormat format) throws Exception {
        List<PairResult> pairs = new ArrayList<>();
        for (String id : List.of("p-1", "p-10", "p-2", "p-3")) {     // pair_id order, as the job feeds a task
            pairs.add(pair(id));
        }
        // Spark says when its concurrent writers fall back to sorting; nothing else shows it
        String concurrentWriter = "org.apache.spark.sql.execution.datasources.DynamicPartitionDataConcurrentWriter";
        Queue<String> messages = new ConcurrentLinkedQueue<>();
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        AbstractAppender capture = new AbstractAppender("concurrent-writer", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                messages.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        LoggerConfig logger = new LoggerConfig(concurrentWriter, Level.INFO, false);
        logger.addAppender(capture, Level.INFO, null);
        logs.getConfiguration().addLogger(concurrentWriter, logger);
        logs.updateLoggers();
        Queue<String> plans = new ConcurrentLinkedQueue<>();
        QueryExecutionListener planned = new QueryExecutionListener() {
            @Override
            public void onSuccess(String function, QueryExecution qe, long durationNs) {
                plans.add(qe.executedPlan().toString());
            }

            @Override
            public void onFailure(String function, QueryExecution qe, Exception exception) {
            }
        };
        spark.listenerManager().register(planned);
        RunFolder folder = new RunFolder(dir.toString(), spark.sparkContext().hadoopConfiguration());
        TableWriter writer = new TableWriter(spark, folder, format);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        try {
            writer.appendImpact(TableWriter.frame(spark, jsc.parallelize(pairs, 2)
                    .flatMap(r -> TableRows.impact("run", r, 4)), OutputSchema.IMPACT), STEPS);
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.listenerManager().unregister(planned);
            logs.getConfiguration().removeLogger(concurrentWriter);
            logs.updateLoggers();
            capture.stop();
        }

        assertThat(plans).as("the write's plan").isNotEmpty().noneMatch(p -> p.contains("Sort "));
        assertThat(messages).as("Spark's messages about its concurrent writers").noneMatch(m -> m.contains("Fall back"));
        assertThat(ImpactFiles.assertRowsInKeyOrder(spark, dir.resolve("impact"))).as("files: steps x tasks")
                .isEqualTo(STEPS * 2);
        assertThat(writer.read(OutputSchema.IMPACT).count())
                .isEqualTo(pairs.stream().mapToLong(PairResult::impactRows).sum());
        assertThat(spark.conf().contains("spark.sql.maxConcurrentOutputFileWriters")).as("the session's setting is restored")
                .isFalse();
    }

    @Test
    void impactRowsCannotGoThroughTheSmallTablesWrite() {
        TableWriter writer = new TableWriter(spark, new RunFolder(dir.toString(), spark.sparkContext().hadoopConfiguration()),
                OutputFormat.PARQUET);
        assertThatThrownBy(() -> writer.append(OutputSchema.IMPACT, spark.emptyDataFrame()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appendImpact");
    }
}
