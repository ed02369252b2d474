package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.FakeModels;
import io.maskimpact.testing.ImpactFiles;
import io.maskimpact.testing.Pairs;
import io.maskimpact.testing.SparkTestBase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Output modes end to end through the command line: the default's refusal of a folder that holds
 * a run, overwrite's removal of the whole old run and its refusal of foreign folders, Delta
 * append and time travel, and resume after a kill or an interrupted commit, without duplicate or
 * missing rows.
 */
class WriteModesTest extends SparkTestBase {
    private static final String KEY = "run_id, pair_id, generation_step, layer, token_position, variant";

    @TempDir
    static Path tmp;
    static Path model;
    static Path slowModel;
    static List<Pairs.Row> rows;
    static Path manifest;

    @BeforeAll
    static void fixtures() {
        model = FakeModels.write(tmp.resolve("fake-model"));
        slowModel = FakeModels.save(tmp.resolve("slow-model"), FakeModels.config(tmp, 2, 2, 2, 3).put("delay_ms", 400));
        rows = Pairs.toy(tmp.resolve("pairs"), 21, 12);
        manifest = Pairs.jsonl(tmp.resolve("pairs/manifest.jsonl"), rows);
    }

    private static Cli.Result run(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--manifest", manifest.toString(), "--model",
                model.toString(), "--out", out.toString(), "--max-new-tokens", "2"));
        args.addAll(List.of(extra));
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        assertThat(r.code()).as("exit code of run %s\n%s", args, r).isEqualTo(0);
        return r;
    }

    private static long count(String table, Path out, String format) {
        return spark.read().format(format).load(out.resolve(table).toString()).count();
    }

    private static void assertNoDuplicates(Path out, String format) {
        spark.read().format(format).load(out.resolve("impact").toString()).createOrReplaceTempView("impact_check");
        assertThat(scalarSql("SELECT count(*) - count(DISTINCT %s) FROM impact_check", KEY))
                .as("duplicate impact row keys in %s", out).isEqualTo(0L);
    }

    @Test
    void deltaAppendAddsAVersionAndTimeTravelReturnsTheEarlierRows() throws IOException {
        Path out = tmp.resolve("delta");
        run(out, "--format", "delta", "--limit", "3", "--run-id", "first");
        long firstRows = count("impact", out, "delta");
        JsonNode first = new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        long firstVersion = first.path("tables").path("impact").path("delta_version").asLong(-1);
        assertThat(firstVersion).as("Delta version after the first run").isGreaterThanOrEqualTo(0);

        run(out, "--format", "delta", "--mode", "append", "--limit", "5", "--run-id", "second");
        JsonNode second = new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        assertThat(second.path("tables").path("impact").path("delta_version").asLong())
                .as("append adds a table version").isGreaterThan(firstVersion);
        assertThat(second.path("runs").findValuesAsText("run_id")).containsExactly("first", "second");
        assertThat(sql("SELECT run_id, count(DISTINCT pair_id) FROM delta.`%s/pairs` GROUP BY run_id ORDER BY run_id", out))
                .containsExactly(row("first", 3L), row("second", 5L));
        long before = spark.read().format("delta").option("versionAsOf", firstVersion)
                .load(out.resolve("impact").toString()).count();
        assertThat(before).as("time travel to the first run's version").isEqualTo(firstRows);
        assertThat(scalarSql("SELECT count(*) FROM delta.`%s/impact` VERSION AS OF %d WHERE run_id = 'second'", out, firstVersion))
                .isEqualTo(0L);
        assertThat(count("impact", out, "delta")).isGreaterThan(firstRows);
        assertNoDuplicates(out, "delta");
        assertThat(ImpactFiles.assertRowsInKeyOrder(spark, out.resolve("impact"))).as("Delta files checked").isPositive();

        Cli.Result wrongFormat = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString(), "--mode", "append");
        assertThat(wrongFormat.code()).as("parquet append to a Delta folder\n%s", wrongFormat).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(wrongFormat.err()).contains("holds delta tables");
    }

    @Test
    void theDefaultModeRefusesAFolderThatHoldsAFinishedRunAndChangesNothing() throws IOException {
        Path out = tmp.resolve("finished");
        run(out, "--limit", "3", "--run-id", "earlier");
        String manifestBefore = Files.readString(out.resolve("_manifest.json"));
        List<String> entriesBefore = entries(out);

        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString(), "--run-id", "later");
        assertThat(r.code()).as("a second run without --mode\n%s", r).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err().strip().lines()).as("one line naming the run found and the choices").hasSize(1);
        assertThat(r.err()).contains("holds run earlier (finished ").contains(", 3 pairs)")
                .containsPattern("finished \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC")
                .contains("--mode overwrite").contains("--mode append").contains("--mode resume");
        assertThat(Files.readString(out.resolve("_manifest.json"))).as("the manifest is untouched").isEqualTo(manifestBefore);
        assertThat(entries(out)).as("nothing added or removed").isEqualTo(entriesBefore);
    }

    @Test
    void theDefaultModeRefusesAFolderThatHoldsAnUnfinishedRun() throws IOException {
        Path out = tmp.resolve("unfinished");
        run(out, "--limit", "2", "--run-id", "cut-short");
        Files.delete(out.resolve("_manifest.json"));

        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString());
        assertThat(r.code()).as("a run into a folder with an unfinished run\n%s", r).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err()).contains("holds run cut-short (started ").contains(", unfinished)").contains("--mode resume");
        assertThat(out.resolve("_runs/cut-short.json")).as("the run record is kept").exists();
    }

    @Test
    void overwriteRemovesTheWholeOldRun() throws IOException {
        Path out = tmp.resolve("replaced");
        run(out, "--limit", "3", "--run-id", "old", "--csv");
        // what analyze and the demo leave beside a run
        Files.createDirectories(out.resolve("analysis/layer_summary"));
        Files.writeString(out.resolve("analysis/layer_summary/part-0.parquet"), "old analysis");
        Files.createDirectories(out.resolve("_input"));
        Files.writeString(out.resolve("_input/demo-manifest.jsonl"), "old inputs");
        assertThat(out.resolve("csv")).as("the old run's CSV export").isDirectory();

        run(out, "--limit", "2", "--run-id", "new", "--mode", "overwrite");
        assertThat(entries(out)).as("nothing of the old run is left")
                .doesNotContain("analysis", "_input", "csv", "_runs/old.json")
                .contains("_runs/new.json", "_manifest.json", "impact", "pairs", "images");
        assertThat(sql("SELECT DISTINCT run_id FROM parquet.`%s/pairs`", out)).containsExactly(row("new"));
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact` WHERE run_id <> 'new'", out)).isEqualTo(0L);
        JsonNode m = new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        assertThat(m.path("runs").findValuesAsText("run_id")).containsExactly("new");
        assertThat(m.has("analysis")).as("no analysis entry of the old run").isFalse();
    }

    @Test
    void overwriteKeepsTheFolderOfTheManifestItReads() throws IOException {
        Path out = tmp.resolve("inputs-inside");
        List<Pairs.Row> inside = Pairs.toy(out.resolve("_input"), 5, 3);
        Path inner = Pairs.jsonl(out.resolve("_input/manifest.jsonl"), inside);
        Cli.Result first = Cli.run("run", "--manifest", inner.toString(), "--model", model.toString(), "--out",
                out.toString(), "--max-new-tokens", "2");
        assertThat(first.code()).as("first run\n%s", first).isEqualTo(0);

        Cli.Result again = Cli.run("run", "--manifest", inner.toString(), "--model", model.toString(), "--out",
                out.toString(), "--max-new-tokens", "2", "--mode", "overwrite");
        assertThat(again.code()).as("overwrite reading its manifest from the folder\n%s", again).isEqualTo(0);
        assertThat(inner).as("the manifest being read is kept").exists();
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/pairs` WHERE status = 'ok'", out)).isEqualTo(3L);
    }

    @Test
    void overwriteRefusesAFolderThatHoldsNoRun() throws IOException {
        Path out = tmp.resolve("foreign");
        Files.createDirectories(out);
        Files.writeString(out.resolve("thesis.tex"), "precious");
        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err()).contains("holds no mask-impact run");
        assertThat(out.resolve("thesis.tex")).hasContent("precious");
    }

    @Test
    void resumeFinishesAnInterruptedCommitWithoutDuplicates() throws IOException {
        Path out = tmp.resolve("interrupted");
        run(out, "--commit-every", "4", "--run-id", "r1", "--effects");
        long complete = count("impact", out, "parquet");
        long completeEffects = count("effects", out, "parquet");
        // simulate a kill between the impact and pairs commits of the last batch: drop its pairs file
        Path lastPairs;
        try (Stream<Path> s = Files.list(out.resolve("pairs"))) {
            lastPairs = s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).orElseThrow();
        }
        long lostPairs = (Long) scalarSql("SELECT count(*) FROM parquet.`%s`", lastPairs);
        Files.delete(lastPairs);
        Files.delete(out.resolve("_manifest.json"));
        assertThat(count("pairs", out, "parquet")).isEqualTo(12 - lostPairs);

        Cli.Result r = Cli.run("run", "--mode", "resume", "--out", out.toString());
        assertThat(r.code()).as("resume\n%s", r).isEqualTo(0);
        assertThat(r.out()).contains(lostPairs + " ok").contains((12 - lostPairs) + " already done");
        assertThat(count("pairs", out, "parquet")).isEqualTo(12);
        assertThat(count("impact", out, "parquet")).as("impact rows after resume").isEqualTo(complete);
        assertThat(count("effects", out, "parquet")).as("effects rows after resume").isEqualTo(completeEffects)
                .isPositive();
        assertThat(scalarSql("SELECT count(*) - count(DISTINCT pair_id, generation_step, token_position) FROM parquet.`%s/effects`",
                out)).as("duplicate effects rows").isEqualTo(0L);
        assertNoDuplicates(out, "parquet");
        assertThat(scalarSql("SELECT count(DISTINCT run_id) FROM parquet.`%s/impact`", out)).isEqualTo(1L);
    }

    @Test
    void aKilledRunResumesToCompletion() throws Exception {
        Path out = tmp.resolve("killed");
        Path complete = tmp.resolve("killed-reference");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-Xmx")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MaskImpact.class.getName(), "run",
                "--manifest", manifest.toString(), "--model", slowModel.toString(), "--out", out.toString(),
                "--max-new-tokens", "2", "--commit-every", "3", "--partitions", "1", "--master", "local[1]"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("killed.log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        try {
            // kill -9 once the first commit is visible, in the middle of the next one
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (pairsFiles(out) < 1 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500);
            assertThat(p.isAlive()).as("the run is still going when killed (log: %s)", tmp.resolve("killed.log")).isTrue();
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        long committed = count("pairs", out, "parquet");
        assertThat(committed).as("pairs committed before the kill").isBetween(3L, 11L);
        assertThat(out.resolve("_manifest.json")).as("no manifest for an unfinished run").doesNotExist();

        Cli.Result r = Cli.run("run", "--mode", "resume", "--out", out.toString(), "--model", model.toString());
        assertThat(r.code()).as("resume after kill\n%s", r).isEqualTo(0);
        assertThat(count("pairs", out, "parquet")).isEqualTo(12);
        assertNoDuplicates(out, "parquet");

        run(complete, "--run-id", "reference");
        assertThat(count("impact", out, "parquet")).as("as many rows as an uninterrupted run")
                .isEqualTo(count("impact", complete, "parquet"));
        assertThat(scalarSql("SELECT count(*) FROM (SELECT pair_id, generation_step, layer, token_position, variant, l2_distance FROM parquet.`%s/impact` EXCEPT ALL SELECT pair_id, generation_step, layer, token_position, variant, l2_distance FROM parquet.`%s/impact`)", out, complete))
                .as("the same rows as an uninterrupted run").isEqualTo(0L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "delta"})
    void aRunWrittenBeforeExecutorIdAndDeviceStillOpensAndTakesAnAppendedRun(String format) throws IOException {
        Path out = tmp.resolve("before-placement-" + format);
        run(out, "--format", format, "--limit", "3", "--run-id", "older");
        rewritePairsWithoutPlacement(out, format);

        String perRun = "SELECT run_id, count(*), count(executor_id), count(device) FROM pairs GROUP BY run_id ORDER BY run_id";
        Cli.Result before = Cli.run("query", "--out", out.toString(), "--output", "csv", "--sql", perRun);
        assertThat(before.code()).as("a query naming the new columns on the older run\n%s", before).isZero();
        assertThat(before.out()).as("the older run's pairs, with no executor or device")
                .isEqualTo("run_id,count(1),count(executor_id),count(device)\nolder,3,0,0\n");

        run(out, "--format", format, "--mode", "append", "--limit", "5", "--run-id", "newer");
        Cli.Result after = Cli.run("query", "--out", out.toString(), "--output", "csv", "--sql",
                "SELECT run_id, count(*), count(executor_id), count(device), min(device) FROM pairs GROUP BY run_id"
                        + " ORDER BY run_id");
        assertThat(after.code()).as("the query after an appended run\n%s", after).isZero();
        assertThat(after.out()).as("both runs' pairs; only the newer one says where its pairs ran")
                .isEqualTo("run_id,count(1),count(executor_id),count(device),min(device)\nnewer,5,5,5,cpu\nolder,3,0,0,\n");
    }

    /** Makes {@code out}'s pairs table look as runs wrote it before the two columns existed. */
    private static void rewritePairsWithoutPlacement(Path out, String format) throws IOException {
        String location = out.resolve("pairs").toString();
        Dataset<Row> older = spark.read().format(format).load(location)
                .drop(OutputSchema.EXECUTOR_ID, OutputSchema.DEVICE).localCheckpoint();
        if (format.equals("delta")) {
            older.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true").save(location);
        } else {
            org.apache.commons.io.FileUtils.deleteDirectory(out.resolve("pairs").toFile());
            older.coalesce(1).write().parquet(location);
        }
        assertThat(spark.read().format(format).load(location).columns()).as("the rewritten pairs table")
                .doesNotContain(OutputSchema.EXECUTOR_ID, OutputSchema.DEVICE);
    }

    /** @return the folder's top-level entries and its run records, sorted */
    private static List<String> entries(Path out) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            s.map(p -> p.getFileName().toString()).forEach(names::add);
        }
        if (Files.isDirectory(out.resolve("_runs"))) {
            try (Stream<Path> s = Files.list(out.resolve("_runs"))) {
                s.map(p -> "_runs/" + p.getFileName()).forEach(names::add);
            }
        }
        names.sort(null);
        return names;
    }

    private static long pairsFiles(Path out) throws IOException {
        Path dir = out.resolve("pairs");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
        }
    }
}
