package io.maskimpact.run;

import io.maskimpact.model.ModelLoadException;
import java.nio.file.Path;

/**
 * Step 2 of a run: load the model once on the driver, so that a bad model folder fails the run
 * before any Spark work, with the loader's one-line message.
 *
 * <p>Cost: with a local master the driver is the executor, so the model goes into this JVM's
 * {@link ModelCache} and the tasks reuse it (no extra load). With a cluster master the driver
 * loads it on CPU and closes it: one extra load, and driver memory for the model's weights.
 */
final class CheckModel {

    /**
     * @param name the model's name for the {@code pairs} table
     * @param description name and sizes, for job descriptions
     * @param numLayers decoder layers
     * @param numHeads attention heads per layer
     */
    record ModelInfo(String name, String description, int numLayers, int numHeads) {

        static ModelInfo of(LoadedModel m) {
            return new ModelInfo(m.name(), m.describe(), m.numLayers(), m.numHeads());
        }
    }

    private CheckModel() {
    }

    static ModelInfo run(JobConf conf, boolean localMaster) throws RunSetupException {
        ModelInfo info = load(conf, localMaster);
        if (conf.analysis().effects().enabled()) {
            try {
                conf.analysis().effects().lastLayerOf(info.numLayers());
            } catch (IllegalArgumentException e) {
                throw RunErrors.model("Cannot measure effects: " + e.getMessage(), e);
            }
        }
        return info;
    }

    private static ModelInfo load(JobConf conf, boolean localMaster) throws RunSetupException {
        Path dir = Path.of(conf.model());
        try {
            if (localMaster) {
                LoadedModel model = ModelCache.get(dir, Devices.forTask(conf.device()), conf.imageProcessor());
                return ModelInfo.of(model);
            }
            try (LoadedModel model = LoadedModel.load(dir, "cpu", conf.imageProcessor())) {
                return ModelInfo.of(model);
            }
        } catch (ModelLoadException e) {
            throw RunErrors.model(e.getMessage(), e);
        }
    }
}
