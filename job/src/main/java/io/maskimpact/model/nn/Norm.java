package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.WeightStore;

/** A normalization over the last axis: RMSNorm or LayerNorm, as transformers computes them. */
public interface Norm {

    /**
     * @param x inputs, (..., n)
     * @return normalized, (..., n)
     */
    NDArray apply(NDArray x);

    /**
     * LLaMA's RMSNorm: {@code x / sqrt(mean(x^2) + eps) * w}.
     *
     * @param store the checkpoint
     * @param manager owner of the weight
     * @param name the module's name, without {@code .weight}
     * @param size normalized features
     * @param eps epsilon
     * @return the norm
     */
    static Norm rms(WeightStore store, NDManager manager, String name, int size, float eps) throws ModelLoadException {
        return new Rms(store.load(manager, name + ".weight", size), eps);
    }

    /**
     * Gemma's RMSNorm, whose weight is stored as an offset from one: {@code x / sqrt(mean(x^2) + eps) * (1 + w)}.
     *
     * @param store the checkpoint
     * @param manager owner of the weight
     * @param name the module's name, without {@code .weight}
     * @param size normalized features
     * @param eps epsilon
     * @return the norm
     */
    static Norm rmsOffsetFromOne(WeightStore store, NDManager manager, String name, int size, float eps)
            throws ModelLoadException {
        NDArray w = store.load(manager, name + ".weight", size);
        NDArray scale = w.add(1f);   // what Gemma3RMSNorm computes at every call, in float32
        w.close();
        return new Rms(scale, eps);
    }

    /**
     * LayerNorm with weight and bias.
     *
     * @param store the checkpoint
     * @param manager owner of the weights
     * @param name the module's name, without {@code .weight}
     * @param size normalized features
     * @param eps epsilon
     * @return the norm
     */
    static Norm layer(WeightStore store, NDManager manager, String name, int size, float eps) throws ModelLoadException {
        return new Layer(store.load(manager, name + ".weight", size), store.load(manager, name + ".bias", size), size, eps);
    }

    /** RMSNorm with its (already offset) scale. */
    record Rms(NDArray weight, float eps) implements Norm {
        @Override
        public NDArray apply(NDArray x) {
            return x.mul(x.square().mean(new int[] {-1}, true).add(eps).pow(-0.5f)).mul(weight);
        }
    }

    /** LayerNorm through DJL's operator (it matches torch's). */
    record Layer(NDArray weight, NDArray bias, int size, float eps) implements Norm {
        @Override
        public NDArray apply(NDArray x) {
            return LayerNorm.layerNorm(x, new Shape(size), weight, bias, eps).singletonOrThrow();
        }
    }
}
