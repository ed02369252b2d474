package io.maskimpact.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.FakeAnalyzer;
import io.maskimpact.analysis.PairAnalyzer;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.run.LoadedModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake model family's backend, registered for tests through
 * {@code META-INF/services/io.maskimpact.run.LoadedModel$Provider}: it runs any model folder whose
 * {@code config.json} says {@code "model_type": "fake-vlm"} (see {@link FakeModels#write}).
 */
public final class FakeBackend implements LoadedModel.Provider {
    /** The {@code model_type} this backend runs. */
    public static final String MODEL_TYPE = "fake-vlm";
    /** Loads since the JVM started, for the one-load-per-JVM test. */
    public static final AtomicInteger LOADS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Task attempts that crashed on purpose ({@code crash_first_attempt_pairs}), as
     * "pair/stage.partition.attempt", for tests to see that the crash happened.
     */
    public static final java.util.Queue<String> FIRST_ATTEMPT_CRASHES = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Override
    public boolean accepts(Path modelDir) {
        try {
            Path config = modelDir.resolve("config.json");
            return Files.isRegularFile(config) && MODEL_TYPE.equals(JSON.readTree(config.toFile()).path("model_type").asText());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public LoadedModel load(Path modelDir, String device) throws ModelLoadException {
        JsonNode c;
        try {
            c = JSON.readTree(modelDir.resolve("config.json").toFile());
        } catch (IOException e) {
            throw new ModelLoadException("Cannot load fake model: " + e.getMessage(), e);
        }
        if (c.path("broken").asBoolean(false)) {
            throw new ModelLoadException("Cannot load model: " + modelDir.resolve("config.json")
                    + " says the fake model is broken (remove \"broken\")");
        }
        Set<String> fail = new HashSet<>();
        c.path("fail_pairs").forEach(n -> fail.add(n.asText()));
        Set<String> crash = new HashSet<>();
        c.path("crash_pairs").forEach(n -> crash.add(n.asText()));
        Set<String> crashOnce = new HashSet<>();
        c.path("crash_first_attempt_pairs").forEach(n -> crashOnce.add(n.asText()));
        FakeAnalyzer.Spec spec = new FakeAnalyzer.Spec(c.path("layers").asInt(2), c.path("heads").asInt(2),
                c.path("grid_rows").asInt(2), c.path("grid_cols").asInt(3), c.path("max_context").asInt(4096),
                c.path("delay_ms").asLong(0), fail, crash,
                c.path("tiles").path(0).asInt(0), c.path("tiles").path(1).asInt(0));
        LOADS.incrementAndGet();
        String name = modelDir.getFileName().toString();
        return new LoadedModel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String describe() {
                return name + " (fake, " + spec.layers() + " layers, " + spec.heads() + " heads)";
            }

            @Override
            public int numLayers() {
                return spec.layers();
            }

            @Override
            public int numHeads() {
                return spec.heads();
            }

            @Override
            public PairAnalyzer newAnalyzer(AnalysisOptions options) {
                PairAnalyzer fake = new FakeAnalyzer(spec, options, name);
                return crashOnce.isEmpty() ? fake : new CrashFirstAttempt(fake, crashOnce);
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * {@code crash_first_attempt_pairs}: the listed pairs throw an {@link Error} (like a native
     * crash, so the whole task fails) in a task's first attempt only, and are analysed normally
     * when Spark retries the task (a {@code local[N,M]} master with M &gt; 1 allows retries). Outside
     * a Spark task there is no attempt number and nothing crashes.
     */
    private static final class CrashFirstAttempt implements PairAnalyzer {
        private final PairAnalyzer inner;
        private final Set<String> pairs;

        CrashFirstAttempt(PairAnalyzer inner, Set<String> pairs) {
            this.inner = inner;
            this.pairs = pairs;
        }

        @Override
        public io.maskimpact.analysis.PairImpact analyze(io.maskimpact.analysis.PairRequest request)
                throws io.maskimpact.input.PairRejection {
            org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
            if (task != null && task.attemptNumber() == 0 && pairs.contains(request.pairId())) {
                FIRST_ATTEMPT_CRASHES.add(request.pairId() + "/" + task.stageId() + "." + task.partitionId() + "."
                        + task.attemptNumber());
                throw new AssertionError("the fake model crashed on pair " + request.pairId() + " (first attempt only)");
            }
            return inner.analyze(request);
        }

        @Override
        public String modelName() {
            return inner.modelName();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
