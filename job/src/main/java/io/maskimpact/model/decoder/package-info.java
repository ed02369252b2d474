/**
 * The LLaMA / Qwen2 causal text decoder shared by the families: configuration, weights and the
 * KV-cached session that exposes each layer's internals at the final position.
 */
package io.maskimpact.model.decoder;
