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
import io.maskimpact.model.hf.ImageProcessor;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.nn.TextDecoder;
import io.maskimpact.model.nn.VitEncoder;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
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
    private final ImageProcessor processor;
    private final String bosToken;

    LlavaPrompts(LlavaConfig config, VitEncoder vision, UnaryOperator<NDArray> projector, TextDecoder decoder,
                 TextTokenizer tokenizer, ChatTemplate template, ImageProcessor processor, String bosToken) {
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
    public PreparedPrompt prepare(BufferedImage image, String question, NDManager pair) throws PromptException {
        String prompt;
        try {
            prompt = template.renderUserTurn(question, true);
        } catch (IllegalArgumentException e) {
            throw new PromptException("the chat template cannot render this question: " + e.getMessage());
        }
        boolean templateHasBos = bosToken != null && prompt.startsWith(bosToken);
        TextTokenizer.Encoded encoded = tokenizer.encode(prompt, !templateHasBos);
        int[] ids = encoded.ids();
        int imageAt = imagePlaceholder(ids);
        int questionStart = prompt.lastIndexOf(question);
        int questionEnd = questionStart + question.length();

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
            boolean inQuestion = questionStart >= 0 && encoded.starts()[i] >= questionStart && encoded.ends()[i] <= questionEnd
                    && encoded.ends()[i] > encoded.starts()[i];
            tokens.add(TokenInfo.plain(ids[i], tokenizer.tokenText(ids[i]), inQuestion ? TokenKind.TEXT : TokenKind.SPECIAL));
        }

        NDArray features = vision.encode(pixelValues(image, pair));                        // (N, C)
        if (config.dropFirstFeature()) {
            features = features.get("1:");
        }
        NDArray projected = projector.apply(features);                                      // (N', d)
        NDArray before = decoder.embed(Arrays.copyOfRange(ids, 0, imageAt), pair);
        NDArray after = decoder.embed(Arrays.copyOfRange(ids, imageAt + 1, ids.length), pair);
        NDArray embeddings = before.concat(projected, 0).concat(after, 0);                  // (S, d)
        ImageRegion region = new ImageRegion(0, ImageRegion.Kind.IMAGE, grid, grid, imageAt,
                processor.box(image.getWidth(), image.getHeight()));
        return PreparedPrompt.causal(tokens, List.of(region), embeddings);
    }

    @Override
    public NDArray pixelValues(BufferedImage image, NDManager manager) {
        return processor.process(image, manager);                                          // (1, 3, H, W)
    }

    /** @return the position of the one image placeholder */
    private int imagePlaceholder(int[] ids) throws PromptException {
        int at = -1;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == config.imageTokenId()) {
                if (at >= 0) {
                    throw new PromptException("the prompt holds more than one image placeholder (only one image per pair is supported;"
                            + " remove '" + tokenizer.tokenText(config.imageTokenId()) + "' from the question)");
                }
                at = i;
            }
        }
        if (at < 0) {
            throw new PromptException("the chat template produced no image placeholder (token id " + config.imageTokenId() + ")");
        }
        return at;
    }
}
