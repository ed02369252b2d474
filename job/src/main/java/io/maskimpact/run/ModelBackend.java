package io.maskimpact.run;

import io.maskimpact.model.ModelLoadException;
import java.nio.file.Path;

/**
 * Loads the model of a model folder; the service-provider seam between the job and the engine.
 *
 * <p>The job's own backend ({@link VlmBackend}) runs every Hugging Face folder the engine
 * supports. Others are found with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/io.maskimpact.run.ModelBackend} file on the classpath), the way DJL finds
 * engines, and are asked first; the job's tests register a fake model family this way (like
 * DJL's MockEngine), so that Spark tests do not need a real model.
 */
public interface ModelBackend {

    /**
     * @param modelDir a model folder
     * @return whether this backend runs it
     */
    boolean accepts(Path modelDir);

    /**
     * Loads the model; heavy (seconds, the model's size in memory). Called once per executor JVM
     * and device by {@link ModelCache}.
     *
     * @param modelDir the model folder
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return the loaded model
     * @throws ModelLoadException with a one-line message when the folder cannot be used
     */
    LoadedModel load(Path modelDir, String device) throws ModelLoadException;
}
