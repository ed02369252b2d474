package io.maskimpact.family.qwen2vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.maskimpact.family.TinyModels;
import io.maskimpact.input.ImageLoader;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.WeightStore;
import io.maskimpact.parity.ReferenceDump;
import io.maskimpact.input.PixelImage;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A reference dump of the transformers harness ({@code job/src/test/resources/parity/<name>/}, format in
 * {@code models/reference/README.md}): what transformers 5.17 computed for the parity pairs, read for the
 * Qwen-VL parity tests.
 *
 * @param dir the dump's folder
 * @param json reference.json
 * @param tensors reference.safetensors, read through the weight store
 */
record QwenReference(Path dir, JsonObject json, WeightStore tensors) {

    /** @return the repository's root */
    static Path repository() {
        return TinyModels.modelsDir().getParent();
    }

    /**
     * @param name a checkpoint whose dump exists
     * @return its dump
     */
    static QwenReference read(String name) {
        Path dir = repository().resolve("job/src/test/resources/parity").resolve(name);
        try {
            JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("reference.json"), StandardCharsets.UTF_8))
                    .getAsJsonObject();
            if (json.get("format").getAsInt() != ReferenceDump.FORMAT) {
                throw new IllegalStateException(dir + " has dump format " + json.get("format") + ", these tests read format "
                        + ReferenceDump.FORMAT);
            }
            return new QwenReference(dir, json, WeightStore.open(dir, List.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the pairs, as reference.json lists them */
    List<JsonObject> pairs() {
        List<JsonObject> out = new ArrayList<>();
        json.getAsJsonArray("pairs").forEach(p -> out.add(p.getAsJsonObject()));
        return out;
    }

    /** @return the variant names, in the order of the rows' last axis */
    List<String> variants() {
        List<String> out = new ArrayList<>();
        json.getAsJsonArray("variants").forEach(v -> out.add(v.getAsString()));
        return out;
    }

    /**
     * @param name a tensor of reference.safetensors, e.g. {@code wide/step0/logits}
     * @return its values, flattened
     */
    float[] floats(String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = tensors.load(manager, name, tensors.shapeOf(name));
            return array.toFloatArray();
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param name a tensor
     * @return its shape
     */
    long[] shape(String name) {
        try {
            return tensors.shapeOf(name);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The pair's image as transformers' {@code load_image} gives it to the processor: decoded, EXIF orientation
     * applied, converted to RGB the PIL way (alpha dropped, not composited).
     *
     * @param pair a pair of {@link #pairs()}
     * @return the image, 8-bit RGB
     */
    PixelImage image(JsonObject pair) {
        Path manifestDir = repository().resolve(json.get("manifest").getAsString()).getParent();
        Path file = manifestDir.resolve(pair.get("image").getAsString());
        try {
            return new ImageLoader(new Configuration(), ImageLoader.DEFAULT_MAX_BYTES, ImageLoader.DEFAULT_MAX_PIXELS)
                    .load(pair.get("pair_id").getAsString(), file.toUri().toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param array a JSON array of integers
     * @return its values
     */
    static int[] ints(JsonArray array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsInt();
        }
        return out;
    }

    /**
     * @param array a JSON array of numbers
     * @return its values
     */
    static double[] doubles(JsonArray array) {
        double[] out = new double[array.size()];
        int i = 0;
        for (JsonElement e : array) {
            out[i++] = e.getAsDouble();
        }
        return out;
    }
}
