package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.hf.WeightStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A CLIP or SigLIP ViT encoder in DJL NDArray operations, as transformers computes it.
 *
 * <p>Legend: C width, N = tokens (patches, plus CLS for CLIP), K heads, E = C/K head dim,
 * p patch side. Weights are (out, in) as stored, transposed at load so activations come first.
 */
public final class VitEncoder {
    private final VitConfig config;
    private final NDArray patchWeight;     // (C, 3, p, p)
    private final NDArray patchBias;       // (C) (zeros for CLIP, which has none)
    private final NDArray classEmbedding;  // (C) or null
    private final NDArray positions;       // (N, C)
    private final Norm preNorm;            // CLIP's pre_layrnorm, or null (SigLIP has none)
    private final List<Layer> layers;
    private final Norm postNorm;           // post_layernorm when the output is last_hidden_state, or null

    private record Layer(Norm norm1, Linear q, Linear k, Linear v, Linear out, Norm norm2, Mlp mlp) {
    }

    private VitEncoder(VitConfig config, NDArray patchWeight, NDArray patchBias, NDArray classEmbedding,
                        NDArray positions, Norm preNorm, List<Layer> layers, Norm postNorm) {
        this.config = config;
        this.patchWeight = patchWeight;
        this.patchBias = patchBias;
        this.classEmbedding = classEmbedding;
        this.positions = positions;
        this.preNorm = preNorm;
        this.layers = layers;
        this.postNorm = postNorm;
    }

    /**
     * Loads the whole tower as its {@code last_hidden_state} is computed (Idefics3, SmolVLM, Gemma 3):
     * every encoder layer, then {@code post_layernorm}.
     *
     * @param store the checkpoint
     * @param prefix the tower's prefix, e.g. {@code model.vision_model.}
     * @param config hyperparameters
     * @param manager the model's manager
     * @return the tower
     */
    public static VitEncoder loadLastHiddenState(WeightStore store, String prefix, VitConfig config, NDManager manager)
            throws ModelLoadException {
        VitEncoder hidden = load(store, prefix, config, config.numLayers(), manager);
        Norm post = Norm.layer(store, manager, prefix + "post_layernorm", config.hiddenSize(), config.layerNormEps());
        return new VitEncoder(config, hidden.patchWeight, hidden.patchBias, hidden.classEmbedding, hidden.positions,
                hidden.preNorm, hidden.layers, post);
    }

    /**
     * Loads the encoder layers up to the one whose output is used.
     *
     * @param store the checkpoint
     * @param prefix the tower's prefix, e.g. {@code model.vision_tower.}
     * @param config hyperparameters
     * @param usedLayers encoder layers to load (the rest are never run)
     * @param manager the model's manager
     * @return the tower
     */
    public static VitEncoder load(WeightStore store, String prefix, VitConfig config, int usedLayers,
                                   NDManager manager) throws ModelLoadException {
        int c = config.hiddenSize();
        int f = config.intermediateSize();
        int p = config.patchSize();
        String e = prefix + "embeddings.";
        NDArray patchWeight = store.load(manager, e + "patch_embedding.weight", c, config.numChannels(), p, p);
        NDArray patchBias = config.hasClassToken() ? manager.zeros(new Shape(c)) : store.load(manager, e + "patch_embedding.bias", c);
        NDArray cls = config.hasClassToken() ? store.load(manager, e + "class_embedding", c) : null;
        NDArray positions = store.load(manager, e + "position_embedding.weight", config.numPositions(), c);
        float eps = config.layerNormEps();
        Norm preNorm = config.hasClassToken() ? Norm.layer(store, manager, prefix + "pre_layrnorm", c, eps) : null;
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < usedLayers; l++) {
            String q = prefix + "encoder.layers." + l + ".";
            layers.add(new Layer(
                    Norm.layer(store, manager, q + "layer_norm1", c, eps),
                    Linear.load(store, manager, q + "self_attn.q_proj", c, c, true),
                    Linear.load(store, manager, q + "self_attn.k_proj", c, c, true),
                    Linear.load(store, manager, q + "self_attn.v_proj", c, c, true),
                    Linear.load(store, manager, q + "self_attn.out_proj", c, c, true),
                    Norm.layer(store, manager, q + "layer_norm2", c, eps),
                    new Mlp.Plain(Linear.load(store, manager, q + "mlp.fc1", c, f, true),
                            Linear.load(store, manager, q + "mlp.fc2", f, c, true),
                            Activations.of(config.hiddenAct(), "vision_config hidden_act"))));
        }
        return new VitEncoder(config, patchWeight, patchBias, cls, positions, preNorm, layers, null);
    }

    /** @return the hyperparameters */
    public VitConfig config() {
        return config;
    }

    /**
     * The tower's input from one image's pixel values, which must be the tower's {@code image_size}
     * square (the patch grid and the learned positions are those of that size).
     *
     * @param values float32 pixel values, (C, H, W) row-major
     * @param shape {C, H, W}
     * @param manager owner of the result
     * @return (1, C, H, W)
     * @throws PromptException when the image is of another size
     */
    public NDArray input(float[] values, int[] shape, NDManager manager) throws PromptException {
        int size = config.imageSize();
        if (shape[1] != size || shape[2] != size) {
            throw new PromptException("the image processor made a " + shape[2] + "x" + shape[1] + " image; the vision tower takes "
                    + size + "x" + size + " (the processor's size must equal the tower's image_size)");
        }
        return manager.create(values).reshape(1, shape[0], shape[1], shape[2]);
    }

    /**
     * Runs the embeddings and every loaded encoder layer: transformers' {@code hidden_states[k]}
     * with k = the number of loaded layers, or {@code last_hidden_state} ({@link #loadLastHiddenState}).
     *
     * @param pixels preprocessed pixels, (1, 3, H, W), owned by the caller's manager
     * @return hidden states, (N, C), on the pixels' manager
     */
    public NDArray encode(NDArray pixels) {
        int c = config.hiddenSize();
        NDArray patches = Conv2d.conv2d(pixels, patchWeight, patchBias,
                new Shape(config.patchSize(), config.patchSize())).singletonOrThrow();        // (1, C, g, g)
        NDArray x = patches.reshape(c, -1).transpose();                                         // (g*g, C), row-major cells
        if (classEmbedding != null) {
            NDArray cls = classEmbedding.expandDims(0);                                         // weight-first view:
            cls.attach(pixels.getManager());                                                    // keep it off the weights
            x = cls.concat(x, 0);                                                               // (N, C)
        }
        x = x.add(positions);
        if (preNorm != null) {
            x = preNorm.apply(x);
        }
        for (Layer w : layers) {
            x = x.add(attention(w.norm1().apply(x), w));
            x = x.add(w.mlp().apply(w.norm2().apply(x)));
        }
        return postNorm == null ? x : postNorm.apply(x);
    }

    /** Bidirectional self-attention over the image's tokens, through the shared attention function. */
    private NDArray attention(NDArray x, Layer w) {
        int n = (int) x.getShape().get(0);
        int k = config.numHeads();
        int e = config.hiddenSize() / k;
        NDArray q = w.q().apply(x).reshape(1, n, k, e).transpose(0, 2, 1, 3);     // (1, K, N, E)
        NDArray keysT = w.k().apply(x).reshape(1, n, k, e).transpose(0, 2, 3, 1); // (1, K, E, N)
        NDArray v = w.v().apply(x).reshape(1, n, k, e).transpose(0, 2, 1, 3);     // (1, K, N, E)
        NDArray out = Attention.eager(q, keysT, v, null, (float) Math.pow(e, -0.5)).output(); // (1, K, N, E)
        return w.out().apply(out.transpose(0, 2, 1, 3).reshape(n, config.hiddenSize())); // (N, C)
    }
}
