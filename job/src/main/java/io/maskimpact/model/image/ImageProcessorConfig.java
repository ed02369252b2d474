package io.maskimpact.model.image;

import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.HfConfig;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An image processor's settings, found ({@link #read}) and read as transformers reads them: a key that is
 * absent or {@code null} takes the processor class's default (what {@code _set_attributes} does), an int
 * {@code size} becomes a dict as {@code get_size_dict} makes it, and anything of the wrong type or not understood
 * fails with one line naming the key and the file.
 */
public final class ImageProcessorConfig {
    /** transformers' {@code VALID_SIZE_DICT_KEYS}. */
    private static final List<Set<String>> SIZE_KEY_SETS = List.of(Set.of("height", "width"), Set.of("shortest_edge"),
            Set.of("shortest_edge", "longest_edge"), Set.of("longest_edge"), Set.of("max_height", "max_width"),
            Set.of("min_pixels", "max_pixels"));

    private final HfConfig config;

    ImageProcessorConfig(HfConfig config) {
        this.config = config;
    }

    /**
     * The image processor's config in a model folder, where {@code ImageProcessingMixin.get_image_processor_dict}
     * looks: the {@code image_processor} object of {@code processor_config.json} (the transformers 5 layout)
     * first, else {@code preprocessor_config.json}.
     *
     * @param modelDir a Hugging Face model folder
     * @return the image processor's settings
     * @throws ModelLoadException when neither holds them, or the JSON is broken
     */
    public static HfConfig read(Path modelDir) throws ModelLoadException {
        Path processor = modelDir.resolve("processor_config.json");
        if (Files.isRegularFile(processor)) {
            HfConfig nested = HfConfig.read(processor);
            if (nested.has("image_processor")) {
                if (!nested.json().get("image_processor").isJsonObject()) {
                    throw new ModelLoadException("Cannot load model: " + processor + " has an 'image_processor' that is not a JSON object");
                }
                return nested.child("image_processor");
            }
        }
        Path preprocessor = modelDir.resolve("preprocessor_config.json");
        if (Files.isRegularFile(preprocessor)) {
            return HfConfig.read(preprocessor);
        }
        throw new ModelLoadException("Cannot load model: " + modelDir + " has no image processor config (neither "
                + "preprocessor_config.json nor an 'image_processor' object in processor_config.json)");
    }

    String source() {
        return config.toString();
    }

    boolean has(String key) {
        return config.has(key);
    }

    ModelLoadException unsupported(String key, String supported) {
        return new ModelLoadException("Cannot load model: " + source() + " has " + key + "=" + config.json().get(key)
                + ", which is not supported (supported: " + supported + ")");
    }

    private ModelLoadException wrongType(String key, String expected) {
        return new ModelLoadException("Cannot load model: " + source() + " has " + key + "=" + config.json().get(key)
                + ", expected " + expected);
    }

    boolean flag(String key, boolean classDefault) throws ModelLoadException {
        return has(key) ? primitive(key, false).getAsBoolean() : classDefault;
    }

    double number(String key, double classDefault) throws ModelLoadException {
        return has(key) ? primitive(key, true).getAsDouble() : classDefault;
    }

    private JsonPrimitive primitive(String key, boolean number) throws ModelLoadException {
        JsonElement e = config.json().get(key);
        if (!e.isJsonPrimitive() || (number ? !e.getAsJsonPrimitive().isNumber() : !e.getAsJsonPrimitive().isBoolean())) {
            throw wrongType(key, number ? "a number" : "true or false");
        }
        return e.getAsJsonPrimitive();
    }

    long integer(String key, long classDefault) throws ModelLoadException {
        double v = number(key, classDefault);
        if (v != Math.rint(v) || v < 1) {
            throw wrongType(key, "a positive integer");
        }
        return (long) v;
    }

    /** A per-channel list, or one number for every channel (as {@code normalize} accepts). */
    float[] perChannel(String key, float[] classDefault) throws ModelLoadException {
        if (!has(key)) {
            return classDefault.clone();
        }
        JsonElement e = config.json().get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            float v = e.getAsFloat();
            return new float[] {v, v, v};
        }
        if (!e.isJsonArray() || e.getAsJsonArray().size() != 3) {
            throw wrongType(key, "3 numbers (one per RGB channel) or one number");
        }
        JsonArray array = e.getAsJsonArray();
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            out[i] = array.get(i).getAsFloat();
        }
        return out;
    }

    Resampling resample(Resampling classDefault) throws ModelLoadException {
        if (!has("resample")) {
            return classDefault;
        }
        JsonElement e = config.json().get("resample");
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw unsupported("resample", "PIL's filter numbers 0 NEAREST, 1 LANCZOS, 2 BILINEAR, 3 BICUBIC, 4 BOX, 5 HAMMING");
        }
        try {
            return Resampling.fromPil(e.getAsInt());
        } catch (IllegalArgumentException ex) {
            throw unsupported("resample", "PIL's filter numbers 0 NEAREST, 1 LANCZOS, 2 BILINEAR, 3 BICUBIC, 4 BOX, 5 HAMMING");
        }
    }

    /**
     * A size setting as {@code get_size_dict} reads it: a dict, an int (a square when {@code defaultToSquare},
     * else the shortest edge), or [height, width]; {@link #checkSizeKeys} then checks its keys.
     */
    Map<String, Long> sizeDict(String key, Map<String, Long> classDefault, boolean defaultToSquare) throws ModelLoadException {
        if (!has(key)) {
            return new LinkedHashMap<>(classDefault);
        }
        JsonElement e = config.json().get(key);
        Map<String, Long> out = new LinkedHashMap<>();
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            long v = integer(key, 0);
            if (defaultToSquare) {
                out.put("height", v);
                out.put("width", v);
            } else {
                out.put("shortest_edge", v);
            }
        } else if (e.isJsonArray() && e.getAsJsonArray().size() == 2) {
            out.put("height", e.getAsJsonArray().get(0).getAsLong());
            out.put("width", e.getAsJsonArray().get(1).getAsLong());
        } else if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> entry : ((JsonObject) e).entrySet()) {
                if (!entry.getValue().isJsonNull()) {
                    out.put(entry.getKey(), entry.getValue().getAsLong());
                }
            }
        } else {
            throw wrongType(key, "a dict, an int or [height, width]");
        }
        return out;
    }

    /** Rejects a size dict whose keys are not one of transformers' sets (what {@code get_size_dict} rejects). */
    Map<String, Long> checkSizeKeys(String key, Map<String, Long> size) throws ModelLoadException {
        if (!SIZE_KEY_SETS.contains(size.keySet())) {
            throw new ModelLoadException("Cannot load model: " + source() + " has " + key + " with the keys " + size.keySet()
                    + ", which is not supported (supported: one of the key sets " + SIZE_KEY_SETS + ")");
        }
        return size;
    }

    /** Rejects a value other than null or the allowed ones (for settings that change the layout, not pixels). */
    void requireOneOf(String key, String... allowed) throws ModelLoadException {
        if (!has(key)) {
            return;
        }
        String value = config.json().get(key).isJsonPrimitive() ? config.json().get(key).getAsString() : "";
        for (String a : allowed) {
            if (a.equals(value)) {
                return;
            }
        }
        throw unsupported(key, "absent, null or " + String.join(", ", allowed));
    }

    String string(String key) {
        return config.optString(key).orElse("");
    }
}
