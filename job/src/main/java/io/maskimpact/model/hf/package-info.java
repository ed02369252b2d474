/**
 * Hugging Face checkpoint helpers shared by every family: {@code config.json} and friends
 * ({@link io.maskimpact.model.hf.HfConfig}), safetensors weights
 * ({@link io.maskimpact.model.hf.WeightStore}), the fast tokenizer, the chat template and the
 * image processors.
 */
package io.maskimpact.model.hf;
