package io.maskimpact.model.image;

import java.util.Locale;

/** What an image region is to the model: the one image, a tile of a split image, the global view, or a crop. */
public enum RegionKind {
    /** The whole image, resized (or cropped) for the vision tower: most families have just this. */
    IMAGE,
    /** One tile of an image split into rows and columns (Idefics3, SmolVLM). */
    TILE,
    /** The whole image shrunk to one tile, after the tiles or instead of them (Idefics3, SmolVLM). */
    GLOBAL,
    /** One crop of Gemma 3's pan and scan, after the whole image. */
    CROP;

    /** @return the name written to output tables: {@code image}, {@code tile}, {@code global}, {@code crop} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
