package io.maskimpact.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.llava.LlavaModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The family registry: picks the implementation by {@code model_type} in config.json.
 *
 * <pre>
 * try (VlmModel model = VlmModels.load(Path.of("models/tiny-llava"), "cpu")) { ... }
 * </pre>
 */
public final class VlmModels {
    /** Families this build can run. */
    public static final Set<String> SUPPORTED_TYPES = Set.of("llava");

    private VlmModels() {
    }

    /**
     * Loads a Hugging Face model directory onto a device.
     *
     * @param dir the model directory
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N} (also {@code cuda:N})
     * @return the loaded model; the caller closes it
     * @throws ModelLoadException with a one-line message naming the file and what to do
     */
    public static VlmModel load(Path dir, String device) throws ModelLoadException {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("Cannot load model: " + dir + " is not a directory (pass a Hugging Face model directory with --model)");
        }
        HfConfig config = HfConfig.read(dir.resolve("config.json"));
        String type = config.optString("model_type").orElse("");
        if (!SUPPORTED_TYPES.contains(type)) {
            throw new ModelLoadException("Cannot load model: model_type '" + type + "' in " + dir.resolve("config.json")
                    + " is not supported (supported: " + String.join(", ", SUPPORTED_TYPES) + ")");
        }
        Engine engine = Engine.getEngine("PyTorch");
        Device target = parseDevice(device);
        if (target.isGpu() && !engine.hasCapability(StandardCapabilities.CUDA)) {
            // the CPU libtorch would fail only at the first operation, deep in a forward pass
            throw new ModelLoadException("Cannot load model " + dir + " on " + device + ": the libtorch on the"
                    + " classpath has no CUDA (PyTorch " + engine.getVersion() + "); pass a CUDA build of it"
                    + " (docs/SCALING.md, 'Where the GPU libtorch comes from') or run with --device cpu");
        }
        NDManager manager = engine.newBaseManager(target);
        try {
            return LlavaModel.load(dir, config, manager);
        } catch (ModelLoadException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * @param name {@code cpu}, {@code gpu}, {@code gpu:N} or {@code cuda:N}
     * @return the DJL device
     */
    public static Device parseDevice(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        String[] parts = n.split(":");
        if ((parts[0].equals("gpu") || parts[0].equals("cuda")) && parts.length <= 2) {
            return parts.length == 1 ? Device.gpu() : Device.gpu(Integer.parseInt(parts[1]));
        }
        throw new IllegalArgumentException("Unknown device '" + name + "' (expected cpu, gpu or gpu:N)");
    }
}
