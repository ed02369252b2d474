package io.maskimpact.family.gemma3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.input.PixelImage;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.PositionIds;
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
 * A Gemma 3 prompt, as {@code Gemma3Processor} and the model build it: the chat template's
 * {@code <start_of_image>} is replaced in the text by
 * {@code "\n\n<start_of_image>" + <image_soft_token> x N + "<end_of_image>\n\n"} and the whole text is
 * tokenized; the projected features replace the soft tokens (text embeddings are scaled by sqrt(d), the
 * features are not). The soft tokens form one attention block: during the prefill they see each other
 * both ways, as transformers' {@code token_type_ids} mask makes them.
 *
 * <p>Legend: S prompt tokens, N = t*t image tokens, d model dim.
 *
 * @param config the model's config
 * @param vision the SigLIP tower
 * @param projector average pool, norm and projection
 * @param decoder the decoder (its scaled embeddings)
 * @param tokenizer the tokenizer
 * @param template the chat template
 * @param processor the image processor (pan and scan off)
 * @param bosToken the BOS token's text, or null
 * @param names the tokenizer's image texts
 */
record Gemma3Prompts(Gemma3Config config, VitEncoder vision, Projector projector, TextDecoder decoder, TextTokenizer tokenizer,
                     ChatTemplate template, ImagePipeline processor, String bosToken, ImageTokens names) implements PromptBuilder {

    /**
     * The tokenizer's image texts.
     *
     * @param begin {@code boi_token}, also the placeholder the template writes
     * @param soft {@code image_token}, one per feature
     * @param end {@code eoi_token}
     */
    record ImageTokens(String begin, String soft, String end) {
    }

    @Override
    public PreparedPrompt prepare(PixelImage image, String question, NDManager pair) throws PromptException {
        ProcessedRegion region = region(image);
        int n = config.tokensPerImage();
        String expansion = "\n\n" + names.begin() + names.soft().repeat(n) + names.end() + "\n\n";
        UserTurn turn = UserTurn.encodeExpanded(template, tokenizer, bosToken, question, names.begin(), expansion);
        int[] ids = turn.ids();
        int grid = config.tokenGrid();

        List<TokenInfo> tokens = new ArrayList<>(ids.length);
        boolean[] isImage = new boolean[ids.length];
        int[] blocks = new int[ids.length];
        int first = -1;
        int seen = 0;
        for (int i = 0; i < ids.length; i++) {
            blocks[i] = -1;
            if (ids[i] != config.imageTokenId()) {
                tokens.add(TokenInfo.plain(ids[i], tokenizer.tokenText(ids[i]), turn.inQuestion()[i] ? TokenKind.TEXT : TokenKind.SPECIAL));
                continue;
            }
            if (seen > 0 && ids[i - 1] != config.imageTokenId()) {
                throw new PromptException("the prompt's image tokens are not one run (is '" + names.soft() + "' in the question?)");
            }
            first = seen == 0 ? i : first;
            isImage[i] = true;
            blocks[i] = 0;                                      // transformers' block id: the image's run of soft tokens
            tokens.add(new TokenInfo(ids[i], names.soft(), TokenKind.VISION, 0, seen / grid, seen % grid));
            seen++;
        }
        if (seen != n) {
            throw new PromptException("the prompt holds " + seen + " image tokens, expected " + n
                    + " (the tokenizer must keep each '" + names.soft() + "' as token " + config.imageTokenId() + ")");
        }
        NDArray features = projector.apply(vision.encode(vision.input(region.values(), region.shape(), pair)));  // (N, d)
        NDArray embeddings = decoder.embedWithFeatures(ids, isImage, features, pair);           // (S, d)
        ImageRegion imageRegion = new ImageRegion(0, ImageRegion.Kind.IMAGE, grid, grid, first, region.box());
        return new PreparedPrompt(tokens, List.of(imageRegion), PositionIds.sequential(tokens.size()), embeddings,
                List.of(), blocks);
    }

    @Override
    public NDArray pixelValues(PixelImage image, NDManager manager) throws PromptException {
        ProcessedRegion region = region(image);
        return vision.input(region.values(), region.shape(), manager);                          // (1, 3, H, W)
    }

    /** The one region the processor makes with pan and scan off. */
    private ProcessedRegion region(PixelImage image) throws PromptException {
        ProcessedImage processed = processor.process(image);
        if (processed.regions().size() != 1) {
            throw new PromptException("the image processor made " + processed.regions().size() + " regions of this image; Gemma 3"
                    + " takes one (pan and scan is off, as Gemma3Processor calls it)");
        }
        return processed.regions().get(0);
    }
}
