/**
 * The LLaVA family (llava-1.5, llava-interleave-qwen): config, transformers' weight renames,
 * prompt building with image-token expansion. Only {@link io.maskimpact.family.Families} imports it.
 */
package io.maskimpact.family.llava;
