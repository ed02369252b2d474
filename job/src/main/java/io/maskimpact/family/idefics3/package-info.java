/**
 * The Idefics3 family ({@code idefics3}, {@code smolvlm}): images split into tiles plus a global image, a
 * SigLIP tower per tile, the pixel-shuffle connector, a LLaMA decoder. Only
 * {@link io.maskimpact.family.Families} imports it.
 */
package io.maskimpact.family.idefics3;
