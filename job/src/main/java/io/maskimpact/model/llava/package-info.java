/**
 * The LLaVA family (llava-1.5, llava-interleave-qwen): config, prompt building with image-token
 * expansion, and the vision tower + projector + decoder wiring. Only the registry imports it.
 */
package io.maskimpact.model.llava;
