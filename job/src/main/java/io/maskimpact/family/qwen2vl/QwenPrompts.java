package io.maskimpact.family.qwen2vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.PositionIds;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.PromptBuilder;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import io.maskimpact.input.PixelImage;
import io.maskimpact.model.hf.ChatTemplate;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.hf.UserTurn;
import io.maskimpact.model.image.ImagePipeline;
import io.maskimpact.model.image.PatchGrid;
import io.maskimpact.model.image.ProcessedRegion;
import io.maskimpact.model.image.ProcessedImage;
import io.maskimpact.model.nn.TextDecoder;

import java.util.ArrayList;
import java.util.List;

/**
 * A Qwen-VL prompt, as the family's processor and model build it: the chat template's user turn [image,
 * question] ({@code <|vision_start|><|image_pad|><|vision_end|>} then the question), the image resized to
 * its own multiple-of-28 (or 32) size by the image processor, {@code <|image_pad|>} expanded to one token per
 * merged cell, the tower's merged features in place of those tokens, 3-D positions
 * ({@link MropePositions}) and, for Qwen3-VL, the DeepStack features as additions after the first decoder
 * layers at the image tokens.
 *
 * <p>Every pair has its own grid: image token k is merged cell (k / cols, k % cols) of a rows x cols grid,
 * each cell a 2x2 block of patches, i.e. 28 (Qwen2/2.5) or 32 (Qwen3) pixels of the resized image.
 *
 * <p>Legend: S prompt tokens, M merged cells, d model dim, I pixel row length.
 *
 * @param config the model's config
 * @param vision the vision tower
 * @param decoder the decoder (its embeddings)
 * @param tokenizer the tokenizer
 * @param template the chat template
 * @param processor the image processor
 * @param bosToken the BOS token's text, or null (Qwen has none)
 */
record QwenPrompts(QwenVlConfig config, VisionTower vision, TextDecoder decoder, TextTokenizer tokenizer,
                   ChatTemplate template, ImagePipeline processor, String bosToken) implements PromptBuilder {

    @Override
    public PreparedPrompt prepare(PixelImage image, String question, NDManager pair) throws PromptException {
        UserTurn turn = UserTurn.encode(template, tokenizer, bosToken, question, config.imageTokenId());
        int[] ids = turn.ids();
        int at = turn.placeholder();

        ProcessedImage processed = processor.process(image);
        PatchGrid grid = processed.patchGrid().orElseThrow();
        int rows = grid.h() / config.vision().merge();
        int cols = grid.w() / config.vision().merge();
        int cells = rows * cols;

        String imageText = tokenizer.tokenText(config.imageTokenId());
        List<TokenInfo> tokens = new ArrayList<>(ids.length - 1 + cells);
        boolean[] isImage = new boolean[ids.length - 1 + cells];
        for (int i = 0; i < ids.length; i++) {
            if (i == at) {
                for (int k = 0; k < cells; k++) {
                    isImage[tokens.size()] = true;
                    tokens.add(new TokenInfo(ids[i], imageText, TokenKind.VISION, 0, k / cols, k % cols));
                }
                continue;
            }
            tokens.add(TokenInfo.plain(ids[i], tokenizer.tokenText(ids[i]), turn.inQuestion()[i] ? TokenKind.TEXT : TokenKind.SPECIAL));
        }

        NDArray pixelRows = patchRows(processed, pair);                                                     // (N, I)
        VisionTower.Features features = vision.encode(pixelRows, grid.h(), grid.w());
        NDArray embeddings = decoder.embedWithImage(ids, at, features.merged(), pair);                      // (S, d)
        List<NDArray> additions = new ArrayList<>();
        for (NDArray feature : features.deepstack()) {
            additions.add(atImageRows(feature, at, tokens.size(), pair));
        }
        PositionIds positions = MropePositions.of(isImage, List.of(new int[] {rows, cols}));
        ImageRegion region = new ImageRegion(0, ImageRegion.Kind.IMAGE, rows, cols, at,
                processed.regions().get(0).box());
        return new PreparedPrompt(tokens, List.of(region), positions, embeddings, additions, null);
    }

    @Override
    public NDArray pixelValues(PixelImage image, NDManager manager) throws PromptException {
        return patchRows(processor.process(image), manager);
    }

    /** The processor's one region as transformers' {@code pixel_values}: one row per patch, (N, I). */
    private static NDArray patchRows(ProcessedImage processed, NDManager manager) {
        ProcessedRegion pixels = processed.regions().get(0);
        return manager.create(pixels.values()).reshape(pixels.shape()[0], pixels.shape()[1]);
    }

    /**
     * @param feature one DeepStack feature, (M, d)
     * @param first the first image token
     * @param length S
     * @return the feature at the image tokens' rows, zero elsewhere: (S, d)
     */
    private static NDArray atImageRows(NDArray feature, int first, int length, NDManager pair) {
        long cells = feature.getShape().get(0);
        long d = feature.getShape().get(1);
        List<NDArray> parts = new ArrayList<>(3);
        if (first > 0) {
            parts.add(pair.zeros(new Shape(first, d)));
        }
        parts.add(feature);
        if (first + cells < length) {
            parts.add(pair.zeros(new Shape(length - first - cells, d)));
        }
        return NDArrays.concat(new NDList(parts));
    }
}
