package io.maskimpact.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.hf.WeightStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What Hugging Face transformers computed for a checkpoint and a few pairs, as the reference
 * harness ({@code models/reference/}) dumps it: {@code reference.json} (ids, tokens, texts) and
 * {@code reference.safetensors} (pixel values, each layer's output and the logits at the final
 * position, and the original masking algorithm's rows for every key and variant).
 *
 * <p>Tensors per pair {@code P} and step {@code t}: {@code P/pixel_values};
 * {@code P/step<t>/resid_post} (L, d); {@code P/step<t>/logits} (V); {@code P/step<t>/l2} and
 * {@code P/step<t>/cosine} (L, S, NV) in {@link #variants()} order; the output effects of hiding each
 * key position at every layer, {@code P/step<t>/effects} (S, 5), and at the layers
 * {@link #effectLayers()}, {@code P/step<t>/effects_window} (S, 5), with the columns
 * {@link #EFFECT_COLUMNS}.
 */
public final class ReferenceDump {
    /** The dump format this reader understands. */
    public static final int FORMAT = 2;
    /** The columns of the effects tensors (the masked argmax is a token id, stored as a float). */
    public static final List<String> EFFECT_COLUMNS = List.of("kl_divergence", "prob_drop", "logit_diff", "greedy_rank",
            "masked_top1");

    private final Path dir;
    private final HfConfig json;
    private final WeightStore tensors;
    private final List<Pair> pairs;
    private final List<String> variants;

    /**
     * One pair of the dump.
     *
     * @param pairId the pair's id
     * @param image the image path, relative to the manifest's folder
     * @param question the question
     * @param prompt the chat template's text
     * @param inputIds the prompt's token ids, image tokens expanded
     * @param generated the greedy tokens (the stop token included when one was generated)
     * @param generatedProbs their probabilities
     * @param answer the decoded answer, special tokens skipped
     */
    public record Pair(String pairId, String image, String question, String prompt, int[] inputIds, int[] generated,
                       float[] generatedProbs, String answer) {
    }

    private ReferenceDump(Path dir, HfConfig json, WeightStore tensors, List<Pair> pairs, List<String> variants) {
        this.dir = dir;
        this.json = json;
        this.tensors = tensors;
        this.pairs = pairs;
        this.variants = variants;
    }

    /**
     * @param dir a folder holding reference.json and reference.safetensors
     * @return the dump
     * @throws ModelLoadException when the files are missing, unreadable or of another format
     */
    public static ReferenceDump read(Path dir) throws ModelLoadException {
        HfConfig json = HfConfig.read(dir.resolve("reference.json"));
        int format = json.intValue("format");
        if (format != FORMAT) {
            throw new ModelLoadException("Cannot read reference dump " + dir + ": format " + format + " (this build reads format "
                    + FORMAT + "; regenerate it with models/reference/harness.py)");
        }
        List<Pair> pairs = new ArrayList<>();
        for (var e : json.json().getAsJsonArray("pairs")) {
            JsonObject p = e.getAsJsonObject();
            JsonArray probs = p.getAsJsonArray("generated_probs");
            float[] generatedProbs = new float[probs.size()];
            for (int i = 0; i < generatedProbs.length; i++) {
                generatedProbs[i] = probs.get(i).getAsFloat();
            }
            pairs.add(new Pair(p.get("pair_id").getAsString(), p.get("image").getAsString(), p.get("question").getAsString(),
                    p.get("prompt").getAsString(), ints(p.getAsJsonArray("input_ids")), ints(p.getAsJsonArray("generated")),
                    generatedProbs, p.get("answer").getAsString()));
        }
        return new ReferenceDump(dir, json, WeightStore.open(dir, List.of()), List.copyOf(pairs),
                List.of(json.strings("variants")));
    }

    private static int[] ints(JsonArray array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsInt();
        }
        return out;
    }

    /** @return the folder */
    public Path dir() {
        return dir;
    }

    /** @return the checkpoint's folder name the dump was made from */
    public String checkpoint() throws ModelLoadException {
        return json.string("checkpoint");
    }

    /** @return the manifest the image paths are relative to, as the dump names it */
    public String manifest() throws ModelLoadException {
        return json.string("manifest");
    }

    /** @return greedy tokens per pair at most */
    public int maxNewTokens() throws ModelLoadException {
        return json.intValue("max_new_tokens");
    }

    /** @return the first and last layer (inclusive) of the windowed effects */
    public int[] effectLayers() {
        return ints(json.json().getAsJsonArray("effect_layers"));
    }

    /** @return the variant names of the rows' last axis */
    public List<String> variants() {
        return variants;
    }

    /** @return the pairs */
    public List<Pair> pairs() {
        return pairs;
    }

    /** @return the versions that made the dump, for reports */
    public String generator() {
        return json.child("generator").json().toString();
    }

    /**
     * @param name a tensor name
     * @return whether the dump holds it
     */
    public boolean has(String name) {
        return tensors.has(name);
    }

    /**
     * @param name a tensor name
     * @param manager owner of the array
     * @return the tensor, float32
     */
    public NDArray tensor(String name, NDManager manager) throws ModelLoadException {
        return tensors.load(manager, name, tensors.shapeOf(name));
    }
}
