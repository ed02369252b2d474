package io.maskimpact.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a finished application's Spark event log says ({@code spark.eventLog.enabled}, with
 * {@code compress} and {@code rolling.enabled} off, which Spark 4 turns on by default): one JSON
 * object per line, as Spark's {@code JsonProtocol} writes it. Read by the tests as the driver's
 * own record of executors and tasks, independent of what the job wrote.
 *
 * @param appId the application id
 * @param executorGpus each executor's GPU addresses as Spark gave them to it ({@code SparkListenerExecutorAdded})
 * @param removedExecutors executors the driver lost or removed
 * @param tasks every task end
 * @param jobDescriptions each job's {@code spark.job.description}, by job id
 * @param jobStages each job's stage ids
 */
record SparkEventLog(String appId, Map<String, List<String>> executorGpus, Set<String> removedExecutors,
                     List<TaskEnd> tasks, Map<Integer, String> jobDescriptions, Map<Integer, List<Integer>> jobStages) {

    /**
     * @param stage the stage
     * @param partition the task's partition
     * @param attempt the task's attempt
     * @param executor where it ran
     * @param reason {@code Success}, {@code ExecutorLostFailure}, {@code ExceptionFailure}, ...
     * @param reasonExecutor for {@code ExecutorLostFailure}, the executor lost
     */
    record TaskEnd(int stage, int partition, int attempt, String executor, String reason, String reasonExecutor) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param dir {@code spark.eventLog.dir}, holding exactly one finished application's log
     * @return what the log says
     */
    static SparkEventLog read(Path dir) {
        List<Path> logs;
        try (Stream<Path> s = Files.list(dir)) {
            logs = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (logs.size() != 1 || logs.get(0).getFileName().toString().endsWith(".inprogress")) {
            throw new IllegalStateException("Cannot read the event log: expected one finished application in " + dir
                    + ", found " + logs);
        }
        String appId = null;
        Map<String, List<String>> gpus = new LinkedHashMap<>();
        Set<String> removed = new HashSet<>();
        List<TaskEnd> tasks = new ArrayList<>();
        Map<Integer, String> descriptions = new LinkedHashMap<>();
        Map<Integer, List<Integer>> stages = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(logs.get(0))) {
                JsonNode e = JSON.readTree(line);
                switch (e.path("Event").asText()) {
                    case "SparkListenerApplicationStart" -> appId = e.path("App ID").asText();
                    case "SparkListenerExecutorAdded" -> {
                        List<String> addresses = new ArrayList<>();
                        e.path("Executor Info").path("Resources").path("gpu").path("addresses")
                                .forEach(a -> addresses.add(a.asText()));
                        gpus.put(e.path("Executor ID").asText(), addresses);
                    }
                    case "SparkListenerExecutorRemoved" -> removed.add(e.path("Executor ID").asText());
                    case "SparkListenerTaskEnd" -> {
                        JsonNode info = e.path("Task Info");
                        JsonNode reason = e.path("Task End Reason");
                        tasks.add(new TaskEnd(e.path("Stage ID").asInt(), info.path("Partition ID").asInt(),
                                info.path("Attempt").asInt(), info.path("Executor ID").asText(),
                                reason.path("Reason").asText(), reason.path("Executor ID").asText(null)));
                    }
                    case "SparkListenerJobStart" -> {
                        int job = e.path("Job ID").asInt();
                        descriptions.put(job, e.path("Properties").path("spark.job.description").asText(""));
                        List<Integer> ids = new ArrayList<>();
                        e.path("Stage IDs").forEach(id -> ids.add(id.asInt()));
                        stages.put(job, ids);
                    }
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SparkEventLog(appId, gpus, removed, tasks, descriptions, stages);
    }

    /**
     * @param descriptionPart text of the wanted jobs' descriptions
     * @return the stages of those jobs
     */
    Set<Integer> stagesOfJobs(String descriptionPart) {
        Set<Integer> ids = new HashSet<>();
        jobDescriptions.forEach((job, description) -> {
            if (description.contains(descriptionPart)) {
                ids.addAll(jobStages.get(job));
            }
        });
        return ids;
    }
}
