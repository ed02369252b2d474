package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.WeightStore;

/**
 * A linear layer, {@code y = x W^T + b}, as torch's {@code nn.Linear} computes it.
 *
 * <p>The weight is stored transposed, (in, out), so that every product has the activation first:
 * a result belongs to its first operand's manager, and a weight-first product would leave its
 * result on the long-lived weights' manager.
 *
 * @param weightT the weight, (in, out)
 * @param bias the bias, (out), or null
 */
public record Linear(NDArray weightT, NDArray bias) {

    /**
     * Loads {@code name.weight} (and {@code name.bias}).
     *
     * @param store the checkpoint
     * @param manager owner of the weights
     * @param name the module's name, without {@code .weight}
     * @param in input features
     * @param out output features
     * @param bias whether the module has a bias
     * @return the layer
     * @throws ModelLoadException when a tensor is missing or of another shape
     */
    public static Linear load(WeightStore store, NDManager manager, String name, int in, int out, boolean bias)
            throws ModelLoadException {
        return new Linear(store.load(manager, name + ".weight", out, in).transpose(),
                bias ? store.load(manager, name + ".bias", out) : null);
    }

    /**
     * @param x inputs, (..., in)
     * @return outputs, (..., out), on x's manager
     */
    public NDArray apply(NDArray x) {
        NDArray y = x.matMul(weightT);
        return bias == null ? y : y.add(bias);
    }

    /** @return output features */
    public int outFeatures() {
        return (int) weightT.getShape().get(1);
    }
}
