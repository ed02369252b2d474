package io.maskimpact.cli;

import io.maskimpact.input.PixelImage;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.image.ImagePipeline;
import io.maskimpact.model.image.ImageProcessors;
import io.maskimpact.model.image.ProcessedImage;
import io.maskimpact.model.image.ProcessedRegion;
import io.maskimpact.model.image.ProcessorOverrides;
import io.maskimpact.toy.ToyData;
import java.nio.file.Path;

/**
 * The toy layout whose cells are the cells of the grid a model sees: its vision patches (LLaVA), or its merged
 * patches (Qwen-VL: patch x merge pixels), so that each toy shape is one image token and {@code target_cells} are
 * that token's {@code patch_row} and {@code patch_col}.
 *
 * <p>The image side is what the model's own image processor makes of a {@value ToyData#GRID}-cell toy image: a
 * fixed-size processor gives its size, a Qwen-VL processor keeps the side unless its pixel bounds move it (then
 * the grid is the one they allow); a side the processor would change again, or split into tiles, is refused.
 */
final class ToyLayouts {

    private ToyLayouts() {
    }

    /**
     * @param modelDir a Hugging Face model folder
     * @return the layout on the model's grid
     * @throws ModelLoadException when the model's config or processor cannot be read, or its grid has no toy layout
     */
    static ToyData.Layout forModel(Path modelDir) throws ModelLoadException {
        ImagePipeline pipeline = ImageProcessors.forModel(modelDir, ProcessorOverrides.NONE);
        int cell = pipeline.patchify().isPresent()
                ? pipeline.patchify().get().patch() * pipeline.patchify().get().merge()
                : HfConfig.read(modelDir.resolve("config.json")).child("vision_config").intValue("patch_size");
        int side = processedSide(pipeline, modelDir, ToyData.GRID * cell);
        if (side % cell != 0 || processedSide(pipeline, modelDir, side) != side) {
            throw new ModelLoadException("Cannot lay out toy pairs for " + modelDir + ": its image processor makes "
                    + side + "-pixel images, not a whole number of " + cell + "-pixel cells that it keeps as they are");
        }
        return new ToyData.Layout(side / cell, cell);
    }

    /** @return the side of a blank square image of {@code side} pixels after the model's image processor */
    private static int processedSide(ImagePipeline pipeline, Path modelDir, int side) throws ModelLoadException {
        ProcessedImage processed;
        try {
            processed = pipeline.process(PixelImage.blank(side, side, 3));
        } catch (PromptException e) {
            throw new ModelLoadException("Cannot lay out toy pairs for " + modelDir + ": " + e.getMessage());
        }
        ProcessedRegion region = processed.regions().get(0);
        if (processed.regions().size() != 1 || region.width() != region.height()) {
            throw new ModelLoadException("Cannot lay out toy pairs for " + modelDir + ": its image processor ("
                    + pipeline.name() + ") turns a square image into " + processed.regions().size() + " region(s) of "
                    + region.width() + "x" + region.height() + " pixels, not one square image");
        }
        return region.width();
    }
}
