package io.maskimpact.family.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.PromptBuilder;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import io.maskimpact.model.hf.ChatTemplate;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.image.ImagePipeline;
import io.maskimpact.model.image.ProcessedImage;
import io.maskimpact.model.image.ProcessedRegion;
import io.maskimpact.model.hf.UserTurn;
import io.maskimpact.model.nn.TextDecoder;
import io.maskimpact.model.nn.VitEncoder;

import io.maskimpact.input.PixelImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * LLaVA's prompt, as {@code LlavaProcessor} builds it: the chat template's user turn [image,
 * question], tokenized, with the one {@code <image>} token expanded to one token per image
 * feature; the tower's features, projected, replace those tokens' embeddings.
 *
 * <p>Legend: N image features, C vision width, d model dim, S prompt tokens.
 */
final class LlavaPrompts implements PromptBuilder {
    private final LlavaConfig config;
    private final VitEncoder vision;
    private final UnaryOperator<NDArray> projector;   // (N, C) -> (N, d)
    private final TextDecoder decoder;
    private final TextTokenizer tokenizer;
    private final ChatTemplate template;
    private final ImagePipeline processor;
    private final String bosToken;

    LlavaPrompts(LlavaConfig config, VitEncoder vision, UnaryOperator<NDArray> projector, TextDecoder decoder,
                 TextTokenizer tokenizer, ChatTemplate template, ImagePipeline processor, String bosToken) {
        this.config = config;
        this.vision = vision;
        this.projector = projector;
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.template = template;
        this.processor = processor;
        this.bosToken = bosToken;
    }

    @Override
    public PreparedPrompt prepare(PixelImage image, String question, NDManager pair) throws PromptException {
        UserTurn turn = UserTurn.encode(template, tokenizer, bosToken, question, config.imageTokenId());
        int[] ids = turn.ids();
        int imageAt = turn.placeholder();

        int grid = config.vision().gridSize();
        int imageTokens = config.imageTokens();
        String imageText = tokenizer.tokenText(config.imageTokenId());
        List<TokenInfo> tokens = new ArrayList<>(ids.length - 1 + imageTokens);
        for (int i = 0; i < ids.length; i++) {
            if (i == imageAt) {
                for (int f = 0; f < imageTokens; f++) {
                    int cell = config.cellOf(f);
                    tokens.add(new TokenInfo(ids[i], imageText, TokenKind.VISION, 0, cell / grid, cell % grid));
                }
                continue;
            }
            tokens.add(TokenInfo.plain(ids[i], tokenizer.tokenText(ids[i]), turn.inQuestion()[i] ? TokenKind.TEXT : TokenKind.SPECIAL));
        }

        ProcessedRegion pixels = region(image);
        NDArray features = vision.encode(toArray(pixels, pair));                           // (N, C)
        if (config.dropFirstFeature()) {
            features = features.get("1:");
        }
        NDArray projected = projector.apply(features);                                      // (N', d)
        NDArray embeddings = decoder.embedWithImage(ids, imageAt, projected, pair);          // (S, d)
        ImageRegion region = new ImageRegion(0, ImageRegion.Kind.IMAGE, grid, grid, imageAt, pixels.box());
        return PreparedPrompt.causal(tokens, List.of(region), embeddings);
    }

    @Override
    public NDArray pixelValues(PixelImage image, NDManager manager) throws PromptException {
        return toArray(region(image), manager);                                            // (1, 3, H, W)
    }

    /** The one region LLaVA's processors make: the resized (and maybe cropped) image. */
    private ProcessedRegion region(PixelImage image) throws PromptException {
        ProcessedImage processed = processor.process(image);
        if (processed.regions().size() != 1) {
            throw new PromptException("the image processor made " + processed.regions().size()
                    + " regions of this image; LLaVA takes one");
        }
        return processed.regions().get(0);
    }

    private static NDArray toArray(ProcessedRegion region, NDManager manager) {
        int[] s = region.shape();                                                          // (C, H, W)
        return manager.create(region.values()).reshape(1, s[0], s[1], s[2]);
    }
}
