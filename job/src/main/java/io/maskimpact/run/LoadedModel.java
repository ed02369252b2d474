package io.maskimpact.run;

import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.PairAnalyzer;

/**
 * A model loaded once per executor JVM and device, shared by that JVM's tasks.
 *
 * <p>Implementations are thread-safe; each task asks for its own {@link PairAnalyzer}, which it
 * closes, while the model itself is closed only by {@link ModelCache} when the JVM exits.
 */
public interface LoadedModel extends AutoCloseable {

    /** @return the model's name, as written to the {@code pairs} table */
    String name();

    /** @return a short description for job descriptions and logs, e.g. {@code tiny-llava (2 layers, 4 heads)} */
    String describe();

    /** @return decoder layers */
    int numLayers();

    /** @return attention heads per layer */
    int numHeads();

    /**
     * @param options what to measure
     * @return a new analyzer for one task (not thread-safe)
     */
    PairAnalyzer newAnalyzer(AnalysisOptions options);

    @Override
    void close();
}
