/** ViT vision towers (CLIP, SigLIP) as used by the families' image encoders. */
package io.maskimpact.model.vision;
