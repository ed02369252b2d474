/**
 * The family-neutral contract between the analysis and a vision-language model.
 *
 * <p>The analysis sees every family through {@link io.maskimpact.model.Vlm}: a
 * {@link io.maskimpact.model.PromptBuilder} (pair to {@link io.maskimpact.model.PreparedPrompt}:
 * tokens, image regions, rotary positions, embeddings), a {@link io.maskimpact.model.Decoder} (a
 * {@link io.maskimpact.model.DecoderSession} per pair with a KV cache, each layer's
 * {@link io.maskimpact.model.LayerInternals} at the final position, and the optional
 * {@link io.maskimpact.model.NaiveRerun}) and a {@link io.maskimpact.model.Vocabulary}. The shared
 * building blocks are in {@code model.nn}, the Hugging Face helpers in {@code model.hf}, the image
 * processors in {@code model.image}; families live in {@code io.maskimpact.family}.
 *
 * <p>Memory follows DJL's owner tree: weights on the model's manager (one per executor JVM),
 * a sub-manager per pair (KV cache), a sub-manager per step and per layer (temporaries). A
 * result belongs to its first operand's manager, so activations always come first.
 */
package io.maskimpact.model;
