package io.maskimpact.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone Spark cluster of separate JVMs on 127.0.0.1, made from Maven's Spark jars: one
 * Master and some Workers, each Worker offering one "GPU" found by the project's own discovery
 * script ({@code conf/getGpusResources.sh}, told by {@code CUDA_VISIBLE_DEVICES} which address
 * its machine has: worker i has address i).
 *
 * <pre>
 * try (StandaloneCluster cluster = StandaloneCluster.start(dir, sparkJars, "2.12", 2, projectHome, opens)) {
 *     Process p = new ProcessBuilder("./submit.sh", "run", "--master", cluster.masterUrl(), ...);
 * }
 * </pre>
 *
 * <p>No Spark distribution can be downloaded here, so {@link #sparkHome()} is a folder whose
 * {@code jars/} links every jar of Spark's Maven classpath: what a distribution's {@code jars/}
 * holds, and all that Spark's launcher and the Worker's executor command builder read. Both also
 * need {@code SPARK_SCALA_VERSION}, which a distribution's scripts set. Ports are chosen by the
 * system, so several clusters can run on one machine. Each daemon's log is a file in
 * {@code <dir>/logs}; executors log to {@code stderr} in their folder of a Worker's work folder,
 * {@code <dir>/work-<i>/<app id>/<executor id>/}. {@link #close} stops the daemons and every
 * executor they started.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Pattern EXECUTOR_PID = Pattern.compile("Started daemon with process name: (\\d+)@");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Path dir;
    private final Path sparkHome;
    private final String scalaVersion;
    private final List<Process> daemons = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();
    private String masterUrl;

    private StandaloneCluster(Path dir, Path sparkHome, String scalaVersion) {
        this.dir = dir;
        this.sparkHome = sparkHome;
        this.scalaVersion = scalaVersion;
    }

    /**
     * Makes the Spark home, starts the Master and the Workers, and waits until every Worker has
     * registered.
     *
     * @param dir an empty folder for the Spark home, logs and the Workers' work folders
     * @param sparkJars Spark's jars
     * @param scalaVersion their Scala line, e.g. {@code 2.12}
     * @param workers how many Workers (2 cores, 3 GB and one GPU address each)
     * @param projectHome the project (its {@code conf/getGpusResources.sh})
     * @param javaOptions JVM options of every daemon (Java 17's {@code --add-opens} set)
     * @return the running cluster
     */
    static StandaloneCluster start(Path dir, List<Path> sparkJars, String scalaVersion, int workers, Path projectHome,
                                   List<String> javaOptions) throws IOException, InterruptedException {
        Path home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(dir.resolve("logs"));
        for (Path jar : sparkJars) {
            Files.createSymbolicLink(home.resolve("jars").resolve(jar.getFileName()), jar);
        }
        StandaloneCluster cluster = new StandaloneCluster(dir, home, scalaVersion);
        try {
            Path masterLog = dir.resolve("logs/master.log");
            cluster.daemon(javaOptions, masterLog, Map.of(), "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", "0", "--webui-port", "0");
            cluster.masterUrl = waitFor(masterLog, MASTER_URL).group(1);
            for (int i = 0; i < workers; i++) {
                Path conf = dir.resolve("worker-" + i + ".conf");
                Files.writeString(conf, "spark.worker.resource.gpu.amount 1\n"
                        + "spark.worker.resource.gpu.discoveryScript " + projectHome.resolve("conf/getGpusResources.sh") + "\n");
                Path work = dir.resolve("work-" + i);
                Files.createDirectories(work);
                cluster.workDirs.add(work);
                cluster.daemon(javaOptions, dir.resolve("logs/worker-" + i + ".log"), Map.of("CUDA_VISIBLE_DEVICES", String.valueOf(i)),
                        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", "0", "--webui-port", "0",
                        "--cores", "2", "--memory", "3g", "--work-dir", work.toString(), "--properties-file", conf.toString(),
                        cluster.masterUrl);
            }
            for (int i = 0; i < workers; i++) {
                waitFor(dir.resolve("logs/worker-" + i + ".log"), Pattern.compile("Successfully registered with master"));
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** @return the folder that serves as {@code SPARK_HOME} */
    Path sparkHome() {
        return sparkHome;
    }

    /** @return e.g. {@code spark://127.0.0.1:40123} */
    String masterUrl() {
        return masterUrl;
    }

    /** @return what a process needs to reach this cluster's Spark: SPARK_HOME, its Scala line, the loopback address */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", scalaVersion);
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
        return env;
    }

    /**
     * @param appId an application
     * @return its executors' folders in the Workers' work folders (named by executor id)
     */
    List<Path> executorDirs(String appId) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Path work : workDirs) {
            Path app = work.resolve(appId);
            if (Files.isDirectory(app)) {
                try (Stream<Path> s = Files.list(app)) {
                    s.filter(Files::isDirectory).forEach(dirs::add);
                }
            }
        }
        return dirs;
    }

    /** @return the applications that have executor folders, oldest first by id */
    List<String> applications() throws IOException {
        List<String> apps = new ArrayList<>();
        for (Path work : workDirs) {
            try (Stream<Path> s = Files.list(work)) {
                s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !apps.contains(n))
                        .forEach(apps::add);
            }
        }
        apps.sort(null);
        return apps;
    }

    /**
     * Kills an executor with SIGKILL, as a crashed JVM or a lost machine would die: no shutdown hook runs.
     *
     * @param executorDir the executor's folder (its {@code stderr} names its process id)
     * @return whether it was alive and is now killed
     */
    boolean kill(Path executorDir) throws IOException, InterruptedException {
        Matcher m = EXECUTOR_PID.matcher(Files.readString(executorDir.resolve("stderr"), StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException("Cannot kill the executor of " + executorDir + ": its stderr names no process");
        }
        long pid = Long.parseLong(m.group(1));
        // only a process of this cluster: a Worker's child
        Optional<ProcessHandle> executor = daemons.stream().flatMap(Process::descendants)
                .filter(p -> p.pid() == pid).findFirst();
        if (executor.isEmpty()) {
            return false;
        }
        boolean sent = executor.get().destroyForcibly();
        try {
            executor.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot kill executor process " + pid + ": still alive after SIGKILL", e);
        }
        return sent;
    }

    /**
     * @param file a log file
     * @param pattern what to wait for in it
     * @return the first match
     */
    static Matcher waitFor(Path file, Pattern pattern) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(file)) {
                Matcher m = pattern.matcher(Files.readString(file, StandardCharsets.UTF_8));
                if (m.find()) {
                    return m;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Cannot start the cluster: no '" + pattern + "' in " + file + " after "
                + START_TIMEOUT.toSeconds() + " s");
    }

    private void daemon(List<String> javaOptions, Path log, Map<String, String> env, String mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOptions);
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("conf") + "/:" + sparkHome.resolve("jars") + "/*");
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(environment());
        pb.environment().putAll(env);
        daemons.add(pb.start());
    }

    /** Stops the Workers (which stop their executors) and the Master; kills whatever is left. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : daemons) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        for (int i = daemons.size() - 1; i >= 0; i--) {
            daemons.get(i).destroy();
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        daemons.clear();
    }

    /**
     * @param file a file of one classpath line ({@code dependency:build-classpath})
     * @return its jars
     */
    static List<Path> classpath(Path file) {
        try {
            return Stream.of(Files.readString(file).strip().split(java.io.File.pathSeparator)).map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
