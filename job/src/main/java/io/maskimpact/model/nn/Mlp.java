package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;

import java.util.function.UnaryOperator;

/** A transformer block's feed-forward part. */
public interface Mlp {

    /**
     * @param x inputs, (..., d)
     * @return outputs, (..., d)
     */
    NDArray apply(NDArray x);

    /**
     * {@code down(act(gate(x)) * up(x))}: LLaMA's SwiGLU, Gemma's GeGLU.
     *
     * @param gate gate projection
     * @param up up projection
     * @param down down projection
     * @param act the activation on the gate
     */
    record Gated(Linear gate, Linear up, Linear down, UnaryOperator<NDArray> act) implements Mlp {
        @Override
        public NDArray apply(NDArray x) {
            return down.apply(act.apply(gate.apply(x)).mul(up.apply(x)));
        }
    }

    /**
     * {@code fc2(act(fc1(x)))}: the ViT MLP.
     *
     * @param fc1 first projection
     * @param fc2 second projection
     * @param act the activation between them
     */
    record Plain(Linear fc1, Linear fc2, UnaryOperator<NDArray> act) implements Mlp {
        @Override
        public NDArray apply(NDArray x) {
            return fc2.apply(act.apply(fc1.apply(x)));
        }
    }
}
