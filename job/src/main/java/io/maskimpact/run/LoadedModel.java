package io.maskimpact.run;

import ai.djl.pytorch.jni.JniUtils;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.PairAnalyzer;
import io.maskimpact.family.Families;
import io.maskimpact.model.DecoderShape;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.image.ProcessorOverrides;
import io.maskimpact.model.Vlm;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * A model loaded once per executor JVM and device, shared by that JVM's tasks, as the job sees it:
 * a name and sizes for the output, and a fresh {@link PairAnalyzer} per task.
 *
 * <p>{@link #load} runs every Hugging Face folder the {@link Families} registry supports. A
 * {@link Provider} on the classpath ({@code META-INF/services/io.maskimpact.run.LoadedModel$Provider})
 * is asked first, the way DJL finds engines: the job's Spark tests register a fake model family
 * this way (like DJL's MockEngine), so that they need no real model.
 *
 * <p>Implementations are thread-safe; each task closes its analyzer, while the model itself is
 * closed only by {@link ModelCache} when the JVM exits.
 */
public interface LoadedModel extends AutoCloseable {

    /** @return the model's name, as written to the {@code pairs} table */
    String name();

    /** @return a short description for job descriptions and logs, e.g. {@code tiny-llava (4 layers, 4 heads)} */
    String describe();

    /** @return decoder layers */
    int numLayers();

    /** @return attention heads per layer */
    int numHeads();

    /**
     * Called on the thread of the task that will use the analyzer.
     *
     * @param options what to measure
     * @return a new analyzer for one task (not thread-safe)
     */
    PairAnalyzer newAnalyzer(AnalysisOptions options);

    @Override
    void close();

    /** Loads models of folders that the registry does not know (test fakes). */
    interface Provider {
        /**
         * @param modelDir a model folder
         * @return whether this provider loads it
         */
        boolean accepts(Path modelDir);

        /**
         * @param modelDir the model folder
         * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
         * @return the loaded model
         * @throws ModelLoadException with a one-line message when the folder cannot be used
         */
        LoadedModel load(Path modelDir, String device) throws ModelLoadException;
    }

    /**
     * Loads a model folder; heavy (seconds, the model's size in memory). Called once per executor
     * JVM and device by {@link ModelCache}.
     *
     * @param modelDir the model folder
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @param imageProcessor settings that replace the model's image processor's (a {@link Provider} ignores them)
     * @return the loaded model
     * @throws ModelLoadException with a one-line message when the folder cannot be used
     */
    static LoadedModel load(Path modelDir, String device, ProcessorOverrides imageProcessor) throws ModelLoadException {
        for (Provider p : ServiceLoader.load(Provider.class, LoadedModel.class.getClassLoader())) {
            if (p.accepts(modelDir)) {
                return p.load(modelDir, device);
            }
        }
        return of(Families.load(modelDir, device, imageProcessor));
    }

    /**
     * @param model a loaded model
     * @return it as the job sees it; closing it closes the model
     */
    static LoadedModel of(Vlm model) {
        return new LoadedModel() {
            @Override
            public String name() {
                return model.name();
            }

            @Override
            public String describe() {
                DecoderShape s = model.shape();
                return model.name() + " (" + s.numLayers() + " layers, " + s.numHeads() + " heads)";
            }

            @Override
            public int numLayers() {
                return model.shape().numLayers();
            }

            @Override
            public int numHeads() {
                return model.shape().numHeads();
            }

            @Override
            public PairAnalyzer newAnalyzer(AnalysisOptions options) {
                // Grad mode is per thread in libtorch and only the engine's first thread has it off;
                // Spark's task threads would otherwise record autograd state for every op.
                JniUtils.setGradMode(false);
                return new ImpactAnalyzer(model, options);
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }
}
