package io.maskimpact.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * What one forward (prefill or one decode token) exposes at the final position.
 *
 * @param layers one trace per decoder layer
 * @param logits next-token logits, (V)
 */
public record StepTrace(List<LayerTrace> layers, NDArray logits) {
}
