package io.maskimpact.family;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import io.maskimpact.family.gemma3.Gemma3;
import io.maskimpact.family.idefics3.Idefics3;
import io.maskimpact.family.llava.Llava;
import io.maskimpact.family.qwen2vl.QwenVl;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.hf.HfCheckpoint;
import io.maskimpact.model.image.ProcessorOverrides;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The family registry: {@code model_type} of config.json to the family that loads it, one line
 * per family.
 *
 * <pre>
 * try (Vlm model = Families.load(Path.of("models/tiny-llava"), "cpu")) { ... }
 * </pre>
 */
public final class Families {

    /** Loads one family's models. */
    interface Loader {
        Vlm load(HfCheckpoint checkpoint, NDManager manager, ProcessorOverrides overrides) throws ModelLoadException;
    }

    private static final Map<String, Loader> FAMILIES = new TreeMap<>(Map.of(
            "gemma3", withoutOverrides(Gemma3::load),
            "idefics3", Idefics3::load,
            "smolvlm", Idefics3::load,
            "llava", withoutOverrides(Llava::load),
            "qwen2_vl", QwenVl::load,
            "qwen2_5_vl", QwenVl::load,
            "qwen3_vl", QwenVl::load));

    /** A family whose image processor takes no settings from the job. */
    private interface FixedProcessorLoader {
        Vlm load(HfCheckpoint checkpoint, NDManager manager) throws ModelLoadException;
    }

    private static Loader withoutOverrides(FixedProcessorLoader loader) {
        return (checkpoint, manager, overrides) -> {
            if (!overrides.equals(ProcessorOverrides.NONE)) {
                throw new ModelLoadException("Cannot load model: image processor settings from the job (" + overrides
                        + ") do not apply to " + checkpoint.config().optString("model_type").orElse("?") + " models such as "
                        + checkpoint.dir() + " (remove --min-pixels / --max-pixels / --no-image-splitting)");
            }
            return loader.load(checkpoint, manager);
        };
    }

    private Families() {
    }

    /** @return the model types this build runs, sorted */
    public static java.util.Set<String> supportedTypes() {
        return FAMILIES.keySet();
    }

    /**
     * Loads a Hugging Face model folder onto a device.
     *
     * @param dir the model folder
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N} (also {@code cuda:N})
     * @return the loaded model; the caller closes it
     * @throws ModelLoadException with a one-line message naming the file and what to do
     */
    public static Vlm load(Path dir, String device) throws ModelLoadException {
        return load(dir, device, ProcessorOverrides.NONE);
    }

    /**
     * Loads a Hugging Face model folder onto a device, with image processor settings from the job.
     *
     * @param dir the model folder
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N} (also {@code cuda:N})
     * @param overrides settings that replace those of the folder's image processor
     * @return the loaded model; the caller closes it
     * @throws ModelLoadException with a one-line message naming the file and what to do
     */
    public static Vlm load(Path dir, String device, ProcessorOverrides overrides) throws ModelLoadException {
        HfCheckpoint checkpoint = HfCheckpoint.open(dir);
        String type = checkpoint.config().optString("model_type").orElse("");
        Loader loader = FAMILIES.get(type);
        if (loader == null) {
            throw new ModelLoadException("Cannot load model: model_type '" + type + "' in " + dir.resolve("config.json")
                    + " is not supported (supported: " + String.join(", ", FAMILIES.keySet()) + ")");
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
            return loader.load(checkpoint, manager, overrides);
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
