package io.maskimpact.run;

import java.nio.file.Path;
import java.util.ServiceLoader;

/** Picks the backend of a model folder: a registered one that accepts it, else {@link VlmBackend}. */
final class ModelBackends {

    private ModelBackends() {
    }

    /**
     * @param modelDir the model folder
     * @return the backend that runs it
     */
    static ModelBackend forDir(Path modelDir) {
        for (ModelBackend b : ServiceLoader.load(ModelBackend.class, ModelBackends.class.getClassLoader())) {
            if (b.accepts(modelDir)) {
                return b;
            }
        }
        return new VlmBackend();
    }
}
