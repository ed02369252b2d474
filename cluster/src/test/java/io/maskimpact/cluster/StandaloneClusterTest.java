package io.maskimpact.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.FakeModels;
import io.maskimpact.testing.Pairs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real standalone cluster, submitted the way users submit it: {@code ./submit.sh run
 * --master spark://...} with {@code SPARK_HOME} set, which goes through Spark's launcher and
 * {@code org.apache.spark.deploy.SparkSubmit} (the class behind {@code spark-submit}); the driver
 * runs in the submitting process, each executor in its own JVM started by a Worker.
 *
 * <p>Two runs share one cluster ({@link StandaloneCluster}: a Master and two Workers with two
 * cores and one GPU address each):
 * <ul>
 *   <li>the shipped tiny model on 40 toy pairs, during which the first executor to load the model
 *       is killed with SIGKILL while its tasks run: the run completes, and its tables hold exactly
 *       the rows of a {@code local[2]} run of the same manifest; each executor loaded the model
 *       once (counted in the executors' own logs, the replacement executor's included);</li>
 *   <li>GPU scheduling without a GPU: {@code conf/spark-gpu.conf} as shipped, with only the sizes
 *       this machine cannot give and the discovery script's path replaced, and {@code --device
 *       auto}; each pair must record the GPU address Spark gave its executor. No CUDA libtorch
 *       exists here, so this run uses the tests' fake model family (shipped to the executors in
 *       the job's test jar), which computes nothing on the device it is given.</li>
 * </ul>
 * The event log of each application ({@link SparkEventLog}) is the driver's record of which
 * executors existed, what addresses they got and which tasks were lost.
 */
class StandaloneClusterTest {
    private static final Path HOME = Path.of(System.getProperty("maskimpact.home")).toAbsolutePath().normalize();
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    /** Columns that say when and where a pair ran, which differ between any two runs. */
    private static final Set<String> PLACEMENT_COLUMNS = Set.of(OutputSchema.SECONDS, OutputSchema.EXECUTOR_ID,
            OutputSchema.DEVICE);

    @TempDir
    static Path tmp;
    static StandaloneCluster cluster;
    /** A local session of the test's own, to read what the runs wrote. */
    static SparkSession spark;

    @BeforeAll
    static void startCluster() throws IOException, InterruptedException {
        List<String> javaOptions = Arrays.stream(System.getProperty("maskimpact.javaOptions").trim().split("\\s+"))
                .toList();
        cluster = StandaloneCluster.start(tmp.resolve("cluster"),
                StandaloneCluster.classpath(Path.of(System.getProperty("maskimpact.sparkJars"))),
                System.getProperty("maskimpact.scalaVersion"), 2, HOME, javaOptions);
        spark = SparkSession.builder().master("local[1]").appName("cluster-test-reader")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stopCluster() {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anExecutorKilledMidRunLeavesExactlyTheRowsOfALocalRun() throws Exception {
        Path data = tmp.resolve("toy");
        Path manifest = Pairs.jsonl(data.resolve("manifest.jsonl"), Pairs.toy(data, 15, 40));
        List<String> run = List.of("run", "--manifest", manifest.toString(), "--model",
                HOME.resolve("models/tiny-llava").toString(), "--run-id", "kill-check", "--partitions", "4",
                "--commit-every", "20");

        Path localOut = tmp.resolve("out-local");
        Submit local = Submit.start(tmp.resolve("logs-local"), Map.of(), concat(run, "--master", "local[2]", "--out",
                localOut.toString()));
        assertThat(local.waitFor()).as("the local[2] reference run\n%s", local).isZero();

        Path events = Files.createDirectories(tmp.resolve("events-kill"));
        Path conf = tmp.resolve("cluster-test.conf");
        Files.writeString(conf, String.join("\n",
                "spark.executor.cores 2",
                "spark.executor.memory 1g",
                "spark.executor.extraJavaOptions -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1",
                "spark.ui.enabled false",
                "spark.eventLog.enabled true",
                "spark.eventLog.compress false",
                "spark.eventLog.rolling.enabled false",
                "spark.eventLog.dir " + events.toUri()) + "\n");
        Set<String> appsBefore = new HashSet<>(cluster.applications());
        Path clusterOut = tmp.resolve("out-cluster");
        Submit onCluster = Submit.start(tmp.resolve("logs-cluster"), Map.of("MASK_IMPACT_SPARK_CONF", conf.toString()),
                concat(run, "--master", cluster.masterUrl(), "--out", clusterOut.toString()));

        // kill the first executor that loads the model: its tasks have just begun their pairs
        Path victim = firstExecutorToLoadTheModel(appsBefore, onCluster);
        assertThat(cluster.kill(victim)).as("SIGKILL to the executor of %s", victim).isTrue();
        String killed = victim.getFileName().toString();
        assertThat(onCluster.waitFor()).as("the cluster run, executor %s killed\n%s", killed, onCluster).isZero();

        // the driver saw the loss of running analysis tasks, and Spark re-ran them
        SparkEventLog log = SparkEventLog.read(events);
        Set<Integer> analysisStages = log.stagesOfJobs("write impact");
        assertThat(log.tasks()).as("a running analysis task lost with executor %s", killed)
                .anySatisfy(t -> {
                    assertThat(t.reason()).isEqualTo("ExecutorLostFailure");
                    assertThat(t.reasonExecutor()).isEqualTo(killed);
                    assertThat(analysisStages).contains(t.stage());
                });
        assertThat(log.removedExecutors()).as("executors the driver removed").contains(killed);

        // exactly the local run's rows: nothing missing, nothing twice
        assertSameRows(OutputSchema.IMPACT, localOut, clusterOut);
        assertSameRows(OutputSchema.PAIRS, localOut, clusterOut);
        assertSameRows(OutputSchema.STEPS, localOut, clusterOut);
        assertThat(scalar("SELECT count(*) - count(DISTINCT pair_id, generation_step, layer, token_position, variant) "
                + "FROM parquet.`%s/impact`", clusterOut)).as("duplicate impact row keys").isEqualTo(0L);
        List<Row> placements = spark.read().parquet(clusterOut.resolve(OutputSchema.PAIRS).toString())
                .select(OutputSchema.EXECUTOR_ID, OutputSchema.DEVICE).collectAsList();
        assertThat(placements).as("pairs").hasSize(40);
        assertThat(placements).as("each pair ran on the CPU of one of the application's executors, not the killed one")
                .allSatisfy(r -> {
                    assertThat(log.executorGpus()).containsKey(r.getString(0));
                    assertThat(r.getString(0)).isNotEqualTo(killed);
                    assertThat(r.getString(1)).isEqualTo("cpu");
                });

        // one model load per executor JVM, as each executor's own log tells
        Map<String, Long> loads = modelLoads(log.appId());
        Set<String> analysing = log.tasks().stream().filter(t -> analysisStages.contains(t.stage()))
                .map(SparkEventLog.TaskEnd::executor).collect(Collectors.toSet());
        assertThat(analysing).as("executors that ran analysis tasks").contains(killed).hasSizeGreaterThanOrEqualTo(2);
        assertThat(loads).as("model loads per executor (log lines 'Loaded model ... once for this JVM')")
                .allSatisfy((executor, n) -> assertThat(n).as("loads in executor %s", executor)
                        .isEqualTo(analysing.contains(executor) ? 1L : 0L));
    }

    @Test
    void gpuSchedulingRecordsTheAddressSparkGaveEachPairsExecutor() throws Exception {
        Path data = tmp.resolve("toy-gpu");
        Path manifest = Pairs.jsonl(data.resolve("manifest.jsonl"), Pairs.toy(data, 16, 24));
        Path model = FakeModels.save(tmp.resolve("fake/fake-model"),
                FakeModels.config(tmp, 2, 2, 2, 3).put("delay_ms", 200));
        Path events = Files.createDirectories(tmp.resolve("events-gpu"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MASK_IMPACT_SPARK_CONF", HOME.resolve("conf/spark-gpu.conf").toString());
        // what a 2-core test machine cannot give (8 cores and 12 GB per executor), and where the script is here
        env.put("SPARK_SUBMIT_ARGS", String.join(" ",
                "--conf", "spark.executor.cores=2",
                "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.resource.gpu.discoveryScript=" + HOME.resolve("conf/getGpusResources.sh"),
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.eventLog.enabled=true",
                "--conf", "spark.eventLog.compress=false",
                "--conf", "spark.eventLog.rolling.enabled=false",
                "--conf", "spark.eventLog.dir=" + events.toUri()));
        env.put("MASK_IMPACT_EXTRA_JARS", System.getProperty("maskimpact.jobTestsJar"));
        Path out = tmp.resolve("out-gpu");
        Submit run = Submit.start(tmp.resolve("logs-gpu"), env, List.of("run", "--manifest", manifest.toString(),
                "--model", model.toString(), "--out", out.toString(), "--device", "auto", "--partitions", "4",
                "--master", cluster.masterUrl()));
        assertThat(run.waitFor()).as("the GPU-scheduled run\n%s", run).isZero();

        SparkEventLog log = SparkEventLog.read(events);
        assertThat(log.executorGpus()).as("each executor's GPU addresses, as Spark gave them")
                .isNotEmpty().allSatisfy((executor, addresses) -> assertThat(addresses).hasSize(1));
        assertThat(log.executorGpus().values().stream().map(a -> a.get(0)).collect(Collectors.toSet()))
                .as("the addresses the Workers' discovery script reported").isSubsetOf("0", "1");
        List<Row> pairs = spark.read().parquet(out.resolve(OutputSchema.PAIRS).toString())
                .select(OutputSchema.PAIR_ID, OutputSchema.EXECUTOR_ID, OutputSchema.DEVICE).collectAsList();
        assertThat(pairs).as("pairs").hasSize(24);
        assertThat(pairs).as("each pair ran on the GPU address Spark gave its executor").allSatisfy(r -> {
            List<String> addresses = log.executorGpus().get(r.getString(1));
            assertThat(addresses).as("the GPU addresses of executor %s", r.getString(1)).isNotNull();
            assertThat(r.getString(2)).as("device of pair %s", r.getString(0)).isEqualTo("gpu:" + addresses.get(0));
        });
    }

    /** Waits for an executor of an application started after {@code appsBefore} to log its model load. */
    private static Path firstExecutorToLoadTheModel(Set<String> appsBefore, Submit run)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(RUN_TIMEOUT);
        while (Instant.now().isBefore(deadline) && run.process().isAlive()) {
            for (String app : cluster.applications()) {
                if (appsBefore.contains(app)) {
                    continue;
                }
                for (Path executor : cluster.executorDirs(app)) {
                    if (loadLines(executor) > 0) {
                        return executor;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("No executor loaded the model (run ended or timed out)\n" + run);
    }

    /** @return each executor's number of model loads, from its stderr */
    private static Map<String, Long> modelLoads(String appId) throws IOException {
        Map<String, Long> loads = new LinkedHashMap<>();
        for (Path executor : cluster.executorDirs(appId)) {
            loads.put(executor.getFileName().toString(), loadLines(executor));
        }
        return loads;
    }

    private static long loadLines(Path executorDir) throws IOException {
        Path stderr = executorDir.resolve("stderr");
        if (!Files.exists(stderr)) {
            return 0;
        }
        return Files.readAllLines(stderr, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("ModelCache: Loaded model")).count();
    }

    /** Both directions of EXCEPT ALL, over the columns that do not depend on where or when a pair ran. */
    private static void assertSameRows(String table, Path expected, Path actual) {
        String columns = Arrays.stream(OutputSchema.schema(table).fieldNames()).filter(c -> !PLACEMENT_COLUMNS.contains(c))
                .collect(Collectors.joining(", "));
        String except = "SELECT count(*) FROM (SELECT %s FROM parquet.`%s/%s` EXCEPT ALL SELECT %s FROM parquet.`%s/%s`)";
        assertThat(scalar(except, columns, expected, table, columns, actual, table)).as("%s rows missing", table)
                .isEqualTo(0L);
        assertThat(scalar(except, columns, actual, table, columns, expected, table)).as("%s rows extra", table)
                .isEqualTo(0L);
        assertThat(scalar("SELECT count(*) FROM parquet.`%s/%s`", actual, table)).as("%s rows", table)
                .isNotEqualTo(0L);
    }

    private static Object scalar(String query, Object... args) {
        return spark.sql(String.format(query, args)).collectAsList().get(0).get(0);
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    /**
     * One {@code ./submit.sh} process against the cluster's Spark home, its output in files.
     *
     * @param process the process
     * @param logs the folder of its {@code stdout} and {@code stderr}
     */
    private record Submit(Process process, Path logs) {

        static Submit start(Path logs, Map<String, String> env, List<String> args) throws IOException {
            Files.createDirectories(logs);
            List<String> cmd = new ArrayList<>();
            cmd.add(HOME.resolve("submit.sh").toString());
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile())
                    .redirectOutput(logs.resolve("stdout").toFile()).redirectError(logs.resolve("stderr").toFile());
            pb.environment().putAll(cluster.environment());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().putAll(env);
            return new Submit(pb.start(), logs);
        }

        int waitFor() throws InterruptedException {
            if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("submit.sh ran longer than " + RUN_TIMEOUT + "\n" + this);
            }
            return process.exitValue();
        }

        @Override
        public String toString() {
            return "stdout (" + logs.resolve("stdout") + "):\n" + tail("stdout") + "\nstderr (" + logs.resolve("stderr")
                    + "):\n" + tail("stderr");
        }

        private String tail(String file) {
            try {
                List<String> lines = Files.readAllLines(logs.resolve(file), StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }
    }
}
