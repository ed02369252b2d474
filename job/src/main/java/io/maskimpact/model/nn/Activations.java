package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.maskimpact.model.ModelLoadException;

import java.util.List;
import java.util.function.UnaryOperator;

/** The activation functions of transformers' {@code ACT2FN} that the supported models use. */
public final class Activations {
    /** Names this build computes. */
    public static final List<String> SUPPORTED = List.of("silu", "gelu", "gelu_pytorch_tanh", "gelu_tanh", "quick_gelu");

    private Activations() {
    }

    /**
     * @param name the config's activation name ({@code hidden_act} and the like)
     * @param where the file and key, for the error message
     * @return the function
     * @throws ModelLoadException when the name is not one this build computes
     */
    public static UnaryOperator<NDArray> of(String name, String where) throws ModelLoadException {
        return switch (name) {
            case "silu" -> x -> Activation.swish(x, 1f);
            case "gelu" -> Activation::gelu;                                   // DJL's gelu is the exact erf form
            case "gelu_pytorch_tanh", "gelu_tanh" -> Activations::geluTanh;
            case "quick_gelu" -> x -> x.mul(Activation.sigmoid(x.mul(1.702f)));
            default -> throw new ModelLoadException("Cannot load model: activation '" + name + "' in " + where
                    + " is not supported (supported: " + String.join(", ", SUPPORTED) + ")");
        };
    }

    /** The tanh approximation of GELU; DJL has no operator for it. */
    private static NDArray geluTanh(NDArray x) {
        return x.mul(0.5f).mul(x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI)).tanh().add(1f));
    }
}
