package io.maskimpact.family.idefics3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.maskimpact.input.PixelImage;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.PromptBuilder;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import io.maskimpact.model.hf.ChatTemplate;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.hf.UserTurn;
import io.maskimpact.model.image.ImagePipeline;
import io.maskimpact.model.image.ProcessedImage;
import io.maskimpact.model.image.ProcessedRegion;
import io.maskimpact.model.nn.TextDecoder;
import io.maskimpact.model.nn.VitEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * An Idefics3 or SmolVLM prompt, as the processors and the model build it: the image processor cuts the
 * image into rows x cols tiles and a global image (or only the global image); the chat template's
 * {@code <image>} is replaced in the text by
 * <pre>
 *   per row r, per column c: &lt;fake_token_around_image&gt;&lt;row_r_col_c&gt; + &lt;image&gt; x N;  "\n" after each row
 *   "\n&lt;fake_token_around_image&gt;&lt;global-img&gt;" + &lt;image&gt; x N + "&lt;fake_token_around_image&gt;"
 * </pre>
 * (only the second line when the image was not split), and the whole text is tokenized; each tile's
 * features, in that order, replace the {@code <image>} tokens.
 *
 * <p>Each tile and the global image is its own {@link ImageRegion}: image index k is the k-th in prompt
 * order, its N tokens a g x g grid (raster) over the region's box in the original image.
 *
 * <p>Legend: S prompt tokens, R regions, N = g*g tokens per region, d model dim.
 *
 * @param config the model's config
 * @param vision the SigLIP tower, run on each region
 * @param connector pixel shuffle and projection
 * @param decoder the decoder (its embeddings)
 * @param tokenizer the tokenizer
 * @param template the chat template
 * @param processor the image processor (tiles and global image)
 * @param bosToken the BOS token's text, or null
 * @param names the texts around the image tokens
 */
record Idefics3Prompts(Idefics3Config config, VitEncoder vision, Connector connector, TextDecoder decoder,
                       TextTokenizer tokenizer, ChatTemplate template, ImagePipeline processor, String bosToken,
                       ImageTokens names) implements PromptBuilder {

    /**
     * The texts the processor writes around the image tokens.
     *
     * @param image the placeholder, repeated per feature
     * @param fake {@code <fake_token_around_image>}
     * @param global {@code <global-img>}
     */
    record ImageTokens(String image, String fake, String global) {
    }

    @Override
    public PreparedPrompt prepare(PixelImage image, String question, NDManager pair) throws PromptException {
        ProcessedImage processed = processor.process(image);
        List<ProcessedRegion> parts = processed.regions();
        UserTurn turn = UserTurn.encodeExpanded(template, tokenizer, bosToken, question, names.image(),
                expansion(processed.tileRows(), processed.tileCols()));
        int[] ids = turn.ids();
        int perRegion = config.tokensPerTile();
        int grid = config.tokenGrid();

        int imageTokens = 0;
        for (int id : ids) {
            imageTokens += id == config.imageTokenId() ? 1 : 0;
        }
        if (imageTokens != parts.size() * perRegion) {
            throw new PromptException("the prompt holds " + imageTokens + " image tokens for " + parts.size() + " image regions of "
                    + perRegion + " (the tokenizer must keep each '" + names.image() + "' as token " + config.imageTokenId() + ")");
        }
        List<TokenInfo> tokens = new ArrayList<>(ids.length);
        List<ImageRegion> regions = new ArrayList<>(parts.size());
        boolean[] isImage = new boolean[ids.length];
        int seen = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != config.imageTokenId()) {
                tokens.add(TokenInfo.plain(ids[i], tokenizer.tokenText(ids[i]), turn.inQuestion()[i] ? TokenKind.TEXT : TokenKind.SPECIAL));
                continue;
            }
            int region = seen / perRegion;
            int cell = seen % perRegion;
            if (cell == 0) {
                ProcessedRegion part = parts.get(region);
                regions.add(new ImageRegion(region, part.kind(), grid, grid, i, part.box()));
            }
            isImage[i] = true;
            tokens.add(new TokenInfo(ids[i], names.image(), TokenKind.VISION, region, cell / grid, cell % grid));
            seen++;
        }
        List<NDArray> features = new ArrayList<>(parts.size());
        for (ProcessedRegion part : parts) {
            features.add(connector.apply(vision.encode(vision.input(part.values(), part.shape(), pair))));  // (N, d)
        }
        NDArray embeddings = decoder.embedWithFeatures(ids, isImage, NDArrays.concat(new NDList(features)), pair);  // (S, d)
        return PreparedPrompt.causal(tokens, regions, embeddings);
    }

    /** The processor's text for an image of rows x cols tiles (0 x 0: not split). */
    String expansion(int rows, int cols) {
        String tokens = names.image().repeat(config.tokensPerTile());
        String global = names.fake() + names.global() + tokens + names.fake();
        if (rows == 0 && cols == 0) {
            return global;
        }
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                text.append(names.fake()).append("<row_").append(r + 1).append("_col_").append(c + 1).append('>').append(tokens);
            }
            text.append('\n');
        }
        return text.append('\n').append(global).toString();
    }

    @Override
    public NDArray pixelValues(PixelImage image, NDManager manager) throws PromptException {
        List<NDArray> regions = new ArrayList<>();
        for (ProcessedRegion part : processor.process(image).regions()) {
            regions.add(vision.input(part.values(), part.shape(), manager));
        }
        return NDArrays.concat(new NDList(regions)).expandDims(0);                             // (1, R, 3, H, W)
    }
}
