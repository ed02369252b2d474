/**
 * Vision-language models from Hugging Face directories, run by DJL on the PyTorch engine.
 *
 * <p>The analysis sees a family only through {@link io.maskimpact.model.VlmModel} (build a
 * pair's prompt, open a {@link io.maskimpact.model.DecoderSession}) and the session (forward
 * with a KV cache, a layer's internals at the final position, the rest of a layer on a batch of
 * vectors, the naive masked re-run). {@link io.maskimpact.model.VlmModels} picks the family by
 * {@code model_type}. Shared pieces: {@link io.maskimpact.model.hf.WeightStore} (safetensors, any
 * dtype widened to float32), {@link io.maskimpact.model.hf.TextTokenizer},
 * {@link io.maskimpact.model.hf.ChatTemplate}, {@link io.maskimpact.model.hf.ImageProcessor}.
 * Families live in sub-packages that nothing else imports.
 *
 * <p>Memory follows DJL's owner tree: weights on the model's manager (one per executor JVM),
 * a sub-manager per pair (KV cache), a sub-manager per step and per layer (temporaries). A
 * result belongs to its first operand's manager, so activations always come first.
 */
package io.maskimpact.model;
