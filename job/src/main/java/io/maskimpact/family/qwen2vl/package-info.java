/**
 * The Qwen-VL family (Qwen2-VL, Qwen2.5-VL, Qwen3-VL): config, transformers' weight renames, the vision tower
 * (window attention, learned positions, DeepStack mergers), 3-D M-RoPE positions and prompt building at each
 * image's own resolution. Only {@link io.maskimpact.family.Families} imports it.
 */
package io.maskimpact.family.qwen2vl;
