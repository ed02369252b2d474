/**
 * The Gemma 3 family ({@code gemma3}, image-text-to-text): SigLIP tower, average-pool projector, a
 * decoder with sliding-window and global layers, bidirectional attention among one image's tokens.
 * Only {@link io.maskimpact.family.Families} imports it.
 */
package io.maskimpact.family.gemma3;
