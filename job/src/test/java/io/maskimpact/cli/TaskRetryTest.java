package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.FakeBackend;
import io.maskimpact.testing.FakeModels;
import io.maskimpact.testing.Pairs;
import io.maskimpact.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task failures through the real command line, under a {@code local[2,2]} master (two cores, a
 * task may fail once and is retried): a task that crashes in its first attempt is retried by
 * Spark and the run's output equals an uninterrupted run's, with no duplicate and no missing
 * rows; a task that crashes on every attempt fails the run without leaving partial files, and
 * {@code --mode resume} then completes it.
 *
 * <p>Not a {@code SparkTestBase}: that base starts {@code local[2]}, where Spark never retries a
 * task. This class starts its own session with the same settings ({@link SparkTestBase#session})
 * and the CLI joins it.
 */
class TaskRetryTest {
    private static final String IMPACT_COLUMNS = String.join(", ", OutputSchema.IMPACT_SCHEMA.fieldNames());
    private static final String PAIRS_COLUMNS = Arrays.stream(OutputSchema.PAIRS_SCHEMA.fieldNames())
            .filter(c -> !c.equals(OutputSchema.SECONDS)).collect(Collectors.joining(", "));
    private static final String STEPS_COLUMNS = String.join(", ", OutputSchema.STEPS_SCHEMA.fieldNames());

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static List<Pairs.Row> rows;
    static Path manifest;
    /** The plain fake model, in a folder of the same name as the crashing ones, so the model column agrees. */
    static Path reference;
    static Path referenceOut;

    /**
     * Every task end the session saw, as "stage.partition.attempt ok|failed: reason|killed: reason". A
     * task still running when its stage aborts ends killed, not failed: whether one does is a race.
     */
    static final Queue<String> TASK_ENDS = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startSpark() {
        spark = SparkTestBase.session("local[2,2]"); // 2 threads, spark.task.maxFailures = 2: one retry per task
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                String outcome = end.taskInfo().successful() ? " ok"
                        : end.reason() instanceof TaskKilled ? " killed: " + end.reason()
                        : " failed: " + end.reason();
                TASK_ENDS.add(end.stageId() + "." + end.taskInfo().partitionId() + "." + end.taskInfo().attemptNumber()
                        + outcome);
            }
        });

        rows = Pairs.withModes(Pairs.toy(tmp.resolve("pairs"), 31, 8), "vision", "text", "both");
        manifest = Pairs.csv(tmp.resolve("pairs/manifest.csv"), rows);
        reference = FakeModels.write(tmp.resolve("reference/fake-model"));
        referenceOut = tmp.resolve("out-reference");
        Cli.Result r = run(reference, referenceOut);
        assertThat(r.code()).as("the uninterrupted reference run\n%s", r).isEqualTo(0);
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    @BeforeEach
    void clearEvents() {
        drainListenerBus();
        TASK_ENDS.clear();
        FakeBackend.FIRST_ATTEMPT_CRASHES.clear();
    }

    private static Cli.Result run(Path model, Path out) {
        // the same run id for every run, so whole impact rows can be compared
        return Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out", out.toString(),
                "--max-new-tokens", "3", "--partitions", "2", "--run-id", "retry-check");
    }

    /** A fake model folder named like the reference, with one crash setting. */
    private static Path crashingModel(String folder, String setting, String... pairIds) {
        ObjectNode config = FakeModels.config(tmp, 2, 2, 2, 3);
        Arrays.stream(pairIds).forEach(config.putArray(setting)::add);
        return FakeModels.save(tmp.resolve(folder).resolve("fake-model"), config);
    }

    @Test
    void aTaskThatCrashesOnceIsRetriedAndTheOutputEqualsAnUninterruptedRun() throws IOException {
        // 8 pairs in 2 partitions of 4: the second pair of each partition crashes its task's first
        // attempt, after the partition's first pair has already streamed rows to the writer
        String crashA = rows.get(1).pairId();
        String crashB = rows.get(5).pairId();
        Path model = crashingModel("crash-once", "crash_first_attempt_pairs", crashA, crashB);
        Path out = tmp.resolve("out-retried");

        Cli.Result r = run(model, out);
        drainListenerBus();

        assertThat(r.code()).as("the run succeeds after Spark's retries\n%s", r).isEqualTo(0);
        assertThat(FakeBackend.FIRST_ATTEMPT_CRASHES.stream().map(c -> c.substring(0, c.indexOf('/'))).toList())
                .as("both first attempts crashed").containsExactlyInAnyOrder(crashA, crashB);
        List<String> failed = TASK_ENDS.stream().filter(e -> e.contains(" failed: ")).toList();
        assertThat(failed).as("task ends: %s", TASK_ENDS).hasSize(2)
                .allSatisfy(e -> assertThat(e).contains(".0 failed: ").contains("the fake model crashed on pair"));
        for (String f : failed) {
            String retry = f.substring(0, f.indexOf(" failed")).replaceFirst("\\.0$", ".1") + " ok";
            assertThat(TASK_ENDS).as("Spark retried %s", f).contains(retry);
        }

        long expected = count("impact", referenceOut);
        assertThat(expected).as("reference impact rows").isGreaterThan(0);
        assertThat(count("impact", out)).as("impact rows after retries").isEqualTo(expected);
        assertThat(scalar("SELECT count(*) - count(DISTINCT pair_id, generation_step, layer, token_position, variant) "
                + "FROM parquet.`%s/impact`", out)).as("duplicate impact row keys").isEqualTo(0L);
        assertSameRows("impact", IMPACT_COLUMNS, out);
        assertSameRows("pairs", PAIRS_COLUMNS, out);
        assertSameRows("steps", STEPS_COLUMNS, out);
        assertThat(count("pairs", out)).isEqualTo(rows.size());
        assertThat(scalar("SELECT count(*) FROM parquet.`%s/pairs` WHERE status <> 'ok'", out)).isEqualTo(0L);
        assertThat(count("errors", out)).as("a retried crash is not a pair error").isEqualTo(0L);
        assertThat(out.resolve("_manifest.json")).isRegularFile();
        assertThat(leftovers(out)).as("no temporary or attempt files left").isEmpty();
    }

    @Test
    void aTaskThatCrashesOnEveryAttemptLeavesNoPartialFilesAndResumeCompletesTheRun() throws IOException {
        String crash = rows.get(6).pairId();
        Path model = crashingModel("crash-always", "crash_pairs", crash);
        Path out = tmp.resolve("out-failed");

        Cli.Result r = run(model, out);
        drainListenerBus();

        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.SOFTWARE);
        assertThat(r.err()).contains("the fake model crashed on pair " + crash).contains("--mode resume");
        assertThat(TASK_ENDS.stream().filter(e -> e.contains(" failed: ")).map(e -> e.substring(0, e.indexOf(' '))))
                .as("the crashing partition failed in both attempts: %s", TASK_ENDS).hasSize(2)
                .anySatisfy(e -> assertThat(e).endsWith(".0")).anySatisfy(e -> assertThat(e).endsWith(".1"));
        assertThat(dataFiles(out)).as("no data file of the failed commit is visible").isEmpty();
        assertThat(leftovers(out)).as("no temporary or attempt files left").isEmpty();
        assertThat(out.resolve("_manifest.json")).as("no manifest for a failed run").doesNotExist();

        Path fixed = tmp.resolve("reference/fake-model");
        Cli.Result resumed = Cli.run("run", "--mode", "resume", "--out", out.toString(), "--model", fixed.toString());
        assertThat(resumed.code()).as("resume after the failed run\n%s", resumed).isEqualTo(0);
        assertThat(count("impact", out)).isEqualTo(count("impact", referenceOut));
        assertSameRows("impact", IMPACT_COLUMNS, out);
        assertSameRows("pairs", PAIRS_COLUMNS, out);
        assertThat(leftovers(out)).isEmpty();
    }

    /** Both directions of EXCEPT ALL against the reference run: no missing and no extra rows. */
    private static void assertSameRows(String table, String columns, Path out) {
        assertThat(scalar("SELECT count(*) FROM (SELECT %s FROM parquet.`%s/%s` EXCEPT ALL SELECT %s FROM parquet.`%s/%s`)",
                columns, referenceOut, table, columns, out, table)).as("%s rows missing after the failure", table)
                .isEqualTo(0L);
        assertThat(scalar("SELECT count(*) FROM (SELECT %s FROM parquet.`%s/%s` EXCEPT ALL SELECT %s FROM parquet.`%s/%s`)",
                columns, out, table, columns, referenceOut, table)).as("%s rows extra after the failure", table)
                .isEqualTo(0L);
    }

    private static long count(String table, Path out) {
        return spark.read().parquet(out.resolve(table).toString()).count();
    }

    private static Object scalar(String query, Object... args) {
        return spark.sql(String.format(query, args)).collectAsList().get(0).get(0);
    }

    private static List<Path> dataFiles(Path out) throws IOException {
        if (!Files.exists(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
        }
    }

    /** Files or folders of an unfinished commit: the committer's {@code _temporary}, attempt folders. */
    private static List<Path> leftovers(Path out) throws IOException {
        if (!Files.exists(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.equals("_temporary") || n.startsWith("attempt_") || n.startsWith(".spark-staging");
            }).toList();
        }
    }

    private static void drainListenerBus() {
        if (spark != null) {
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Spark's listener bus did not drain", e);
            }
        }
    }
}
