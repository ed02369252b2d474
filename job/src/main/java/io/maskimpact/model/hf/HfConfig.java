package io.maskimpact.model.hf;

import io.maskimpact.model.ModelLoadException;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Hugging Face JSON config ({@code config.json}, {@code preprocessor_config.json}, ...) with
 * typed getters that name the file and key when a required value is missing.
 */
public final class HfConfig {
    private final JsonObject json;
    private final String source;

    private HfConfig(JsonObject json, String source) {
        this.json = json;
        this.source = source;
    }

    /**
     * @param file a JSON file
     * @return the parsed config
     * @throws ModelLoadException when the file is missing or not a JSON object
     */
    public static HfConfig read(Path file) throws ModelLoadException {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Cannot load model: " + file + " is missing (a Hugging Face model directory needs it)");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement element = JsonParser.parseReader(reader);
            if (!element.isJsonObject()) {
                throw new ModelLoadException("Cannot load model: " + file + " is not a JSON object");
            }
            return new HfConfig(element.getAsJsonObject(), file.toString());
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot load model: " + file + " is not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param file a JSON file that may be absent
     * @return the config, or an empty one when the file does not exist
     */
    public static HfConfig readOptional(Path file) throws ModelLoadException {
        return Files.exists(file) ? read(file) : new HfConfig(new JsonObject(), file.toString());
    }

    /** @return the raw JSON */
    public JsonObject json() {
        return json;
    }

    /**
     * @param key a key holding a nested object
     * @return the nested config, empty when absent
     */
    public HfConfig child(String key) {
        JsonElement e = json.get(key);
        return new HfConfig(e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject(), source + "#" + key);
    }

    /** @return whether the key is present and not null */
    public boolean has(String key) {
        return json.has(key) && !json.get(key).isJsonNull();
    }

    public int intValue(String key) throws ModelLoadException {
        return required(key).getAsInt();
    }

    public int intValue(String key, int fallback) {
        return has(key) ? json.get(key).getAsInt() : fallback;
    }

    public double doubleValue(String key, double fallback) {
        return has(key) ? json.get(key).getAsDouble() : fallback;
    }

    public boolean boolValue(String key, boolean fallback) {
        return has(key) ? json.get(key).getAsBoolean() : fallback;
    }

    public String string(String key) throws ModelLoadException {
        return required(key).getAsString();
    }

    public Optional<String> optString(String key) {
        return has(key) && json.get(key).isJsonPrimitive() ? Optional.of(json.get(key).getAsString()) : Optional.empty();
    }

    /**
     * @param key a key holding a number list
     * @return the values as floats
     */
    public float[] floats(String key) throws ModelLoadException {
        var array = required(key).getAsJsonArray();
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsFloat();
        }
        return out;
    }

    /**
     * @param key a key holding an integer list
     * @return the values
     */
    public int[] ints(String key) throws ModelLoadException {
        var array = required(key).getAsJsonArray();
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsInt();
        }
        return out;
    }

    /**
     * @param key a key holding a string list
     * @return the values
     */
    public String[] strings(String key) throws ModelLoadException {
        var array = required(key).getAsJsonArray();
        String[] out = new String[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsString();
        }
        return out;
    }

    /**
     * @param key a required numeric key
     * @return its value
     */
    public double doubleValue(String key) throws ModelLoadException {
        return required(key).getAsDouble();
    }

    private JsonElement required(String key) throws ModelLoadException {
        if (!has(key)) {
            throw new ModelLoadException("Cannot load model: " + source + " has no '" + key + "' (check that the directory is a complete Hugging Face checkpoint)");
        }
        return json.get(key);
    }

    @Override
    public String toString() {
        return source;
    }
}
