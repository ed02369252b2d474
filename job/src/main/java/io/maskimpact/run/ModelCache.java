package io.maskimpact.run;

import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.image.ProcessorOverrides;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor-level model cache: one model per JVM, model folder and device.
 *
 * <p>The first task that needs a model loads it while the JVM's other tasks that need the same
 * one wait; later tasks (and later jobs of the same application) reuse it, so a model is never
 * loaded once per partition or per row. A failed load is not cached: the next task tries again
 * (Spark's task retry). Models stay loaded until the JVM exits; a shutdown hook closes them.
 * In local mode the driver is the executor, so the driver's model check loads the model that
 * the tasks then use.
 */
public final class ModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Map<String, LoadedModel> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "mask-impact-model-cache"));
    }

    private ModelCache() {
    }

    /**
     * @param modelDir the model folder
     * @param device the DJL device name
     * @param imageProcessor settings that replace the model's image processor's
     * @return the JVM's model for this folder, device and image settings, loading it on first use
     * @throws ModelLoadException when it cannot be loaded
     */
    public static LoadedModel get(Path modelDir, String device, ProcessorOverrides imageProcessor) throws ModelLoadException {
        String key = modelDir.toAbsolutePath().normalize() + "|" + device + "|" + imageProcessor;
        LoadedModel model = MODELS.get(key);
        if (model != null) {
            return model;
        }
        synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
            model = MODELS.get(key);
            if (model == null) {
                long t0 = System.nanoTime();
                model = LoadedModel.load(modelDir, device, imageProcessor);
                LOG.info("Loaded model {} on {} in {} s (once for this JVM)", model.describe(), device,
                        String.format("%.1f", (System.nanoTime() - t0) / 1e9));
                MODELS.put(key, model);
            }
            return model;
        }
    }

    /** @return how many models this JVM holds (for tests of the one-load-per-JVM rule) */
    public static int size() {
        return MODELS.size();
    }

    private static void closeAll() {
        for (LoadedModel m : MODELS.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                // the JVM is exiting; nothing useful to do with it
            }
        }
        MODELS.clear();
    }
}
