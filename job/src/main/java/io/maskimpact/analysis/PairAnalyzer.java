package io.maskimpact.analysis;

import io.maskimpact.input.PairRejection;

/**
 * Measures masking impact for one pair at a time; one per Spark task (not thread-safe).
 *
 * <p>Implementations share a loaded model with other analyzers of the same JVM and own only
 * per-task state; {@link #close()} releases that state, never the model.
 */
public interface PairAnalyzer extends AutoCloseable {

    /**
     * @param request the decoded pair
     * @return every step's impact rows
     * @throws PairRejection when this pair cannot be analysed (the job records it and goes on)
     */
    PairImpact analyze(PairRequest request) throws PairRejection;

    /** @return the model's name as written to the {@code pairs} table */
    String modelName();

    @Override
    void close();
}
