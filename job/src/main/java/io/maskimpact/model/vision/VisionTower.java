package io.maskimpact.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.WeightStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A CLIP or SigLIP ViT encoder in DJL NDArray operations, as transformers computes it.
 *
 * <p>Legend: C width, N = tokens (patches, plus CLS for CLIP), K heads, E = C/K head dim,
 * p patch side. Weights are (out, in) as stored, transposed at load so activations come first.
 */
public final class VisionTower {
    private final VisionConfig config;
    private final NDArray patchWeight;     // (C, 3, p, p)
    private final NDArray patchBias;       // (C) (zeros for CLIP, which has none)
    private final NDArray classEmbedding;  // (C) or null
    private final NDArray positions;       // (N, C)
    private final NDArray preNormWeight;   // (C) or null (SigLIP has no pre-norm)
    private final NDArray preNormBias;
    private final List<Layer> layers;

    private record Layer(NDArray norm1Weight, NDArray norm1Bias,
                         NDArray qT, NDArray qBias, NDArray kT, NDArray kBias, NDArray vT, NDArray vBias,
                         NDArray outT, NDArray outBias,            // each (C, C) transposed, biases (C)
                         NDArray norm2Weight, NDArray norm2Bias,
                         NDArray fc1T, NDArray fc1Bias,            // (C, F), (F)
                         NDArray fc2T, NDArray fc2Bias) {          // (F, C), (C)
    }

    private VisionTower(VisionConfig config, NDArray patchWeight, NDArray patchBias, NDArray classEmbedding,
                        NDArray positions, NDArray preNormWeight, NDArray preNormBias, List<Layer> layers) {
        this.config = config;
        this.patchWeight = patchWeight;
        this.patchBias = patchBias;
        this.classEmbedding = classEmbedding;
        this.positions = positions;
        this.preNormWeight = preNormWeight;
        this.preNormBias = preNormBias;
        this.layers = layers;
    }

    /**
     * Loads the encoder layers up to the one whose output is used.
     *
     * @param store the checkpoint
     * @param prefix the tower's prefix, e.g. {@code vision_tower.vision_model.}
     * @param config hyperparameters
     * @param usedLayers encoder layers to load (the rest are never run)
     * @param manager the model's manager
     * @return the tower
     */
    public static VisionTower load(WeightStore store, String prefix, VisionConfig config, int usedLayers,
                                   NDManager manager) throws ModelLoadException {
        int c = config.hiddenSize();
        int f = config.intermediateSize();
        int p = config.patchSize();
        String e = prefix + "embeddings.";
        NDArray patchWeight = store.load(manager, e + "patch_embedding.weight", c, config.numChannels(), p, p);
        NDArray patchBias = config.hasClassToken() ? manager.zeros(new Shape(c)) : store.load(manager, e + "patch_embedding.bias", c);
        NDArray cls = config.hasClassToken() ? store.load(manager, e + "class_embedding", c) : null;
        NDArray positions = store.load(manager, e + "position_embedding.weight", config.numPositions(), c);
        NDArray preW = config.hasClassToken() ? store.load(manager, prefix + "pre_layrnorm.weight", c) : null;
        NDArray preB = config.hasClassToken() ? store.load(manager, prefix + "pre_layrnorm.bias", c) : null;
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < usedLayers; l++) {
            String q = prefix + "encoder.layers." + l + ".";
            layers.add(new Layer(
                    store.load(manager, q + "layer_norm1.weight", c), store.load(manager, q + "layer_norm1.bias", c),
                    store.load(manager, q + "self_attn.q_proj.weight", c, c).transpose(), store.load(manager, q + "self_attn.q_proj.bias", c),
                    store.load(manager, q + "self_attn.k_proj.weight", c, c).transpose(), store.load(manager, q + "self_attn.k_proj.bias", c),
                    store.load(manager, q + "self_attn.v_proj.weight", c, c).transpose(), store.load(manager, q + "self_attn.v_proj.bias", c),
                    store.load(manager, q + "self_attn.out_proj.weight", c, c).transpose(), store.load(manager, q + "self_attn.out_proj.bias", c),
                    store.load(manager, q + "layer_norm2.weight", c), store.load(manager, q + "layer_norm2.bias", c),
                    store.load(manager, q + "mlp.fc1.weight", f, c).transpose(), store.load(manager, q + "mlp.fc1.bias", f),
                    store.load(manager, q + "mlp.fc2.weight", c, f).transpose(), store.load(manager, q + "mlp.fc2.bias", c)));
        }
        return new VisionTower(config, patchWeight, patchBias, cls, positions, preW, preB, layers);
    }

    /** @return the hyperparameters */
    public VisionConfig config() {
        return config;
    }

    /**
     * Runs the embeddings and every loaded encoder layer: transformers' {@code hidden_states[k]}
     * with k = the number of loaded layers.
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
        if (preNormWeight != null) {
            x = layerNorm(x, preNormWeight, preNormBias);
        }
        for (Layer w : layers) {
            x = x.add(attention(layerNorm(x, w.norm1Weight(), w.norm1Bias()), w));
            NDArray hidden = activation(linear(layerNorm(x, w.norm2Weight(), w.norm2Bias()), w.fc1T(), w.fc1Bias()));
            x = x.add(linear(hidden, w.fc2T(), w.fc2Bias()));
        }
        return x;
    }

    private NDArray attention(NDArray x, Layer w) {
        int n = (int) x.getShape().get(0);
        int k = config.numHeads();
        int e = config.hiddenSize() / k;
        NDArray q = linear(x, w.qT(), w.qBias()).reshape(n, k, e).transpose(1, 0, 2);   // (K, N, E)
        NDArray key = linear(x, w.kT(), w.kBias()).reshape(n, k, e).transpose(1, 2, 0); // (K, E, N)
        NDArray v = linear(x, w.vT(), w.vBias()).reshape(n, k, e).transpose(1, 0, 2);   // (K, N, E)
        NDArray probs = q.matMul(key).mul((float) (1.0 / Math.sqrt(e))).softmax(-1);    // (K, N, N)
        NDArray out = probs.matMul(v).transpose(1, 0, 2).reshape(n, config.hiddenSize()); // (N, C)
        return linear(out, w.outT(), w.outBias());
    }

    private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), weight, bias, config.layerNormEps()).singletonOrThrow();
    }

    private static NDArray linear(NDArray x, NDArray weightT, NDArray bias) {
        return x.matMul(weightT).add(bias);
    }

    private NDArray activation(NDArray x) {
        return switch (config.hiddenAct()) {
            case "quick_gelu" -> x.mul(Activation.sigmoid(x.mul(1.702f)));
            case "gelu" -> Activation.gelu(x);
            // The tanh approximation (gelu_pytorch_tanh); DJL's gelu is the exact erf form.
            default -> x.mul(0.5f).mul(x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI)).tanh().add(1f));
        };
    }
}
