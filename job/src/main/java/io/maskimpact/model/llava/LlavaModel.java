package io.maskimpact.model.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonElement;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import io.maskimpact.model.hf.ChatTemplate;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.DecoderShape;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.hf.ImageProcessor;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.VlmModel;
import io.maskimpact.model.hf.WeightStore;
import io.maskimpact.model.decoder.CausalDecoder;
import io.maskimpact.model.vision.VisionTower;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LLaVA-style models (llava-1.5, llava-interleave-qwen): a CLIP or SigLIP tower, a two-layer MLP
 * projector and a LLaMA or Qwen2 decoder, from a Hugging Face directory in either weight layout.
 *
 * <p>The prompt is the chat template's user turn [image, question], tokenized, with the one
 * {@code <image>} token expanded to one token per image feature (as LlavaProcessor does).
 */
public final class LlavaModel implements VlmModel {
    private final String name;
    private final LlavaConfig config;
    private final NDManager manager;
    private final VisionTower vision;
    private final NDArray proj1T;   // (C, d)
    private final NDArray proj1Bias;
    private final NDArray proj2T;   // (d, d)
    private final NDArray proj2Bias;
    private final CausalDecoder decoder;
    private final TextTokenizer tokenizer;
    private final ChatTemplate template;
    private final ImageProcessor processor;
    private final String bosToken;
    private final Set<Integer> stopTokens;

    private LlavaModel(String name, LlavaConfig config, NDManager manager, VisionTower vision, NDArray[] projector,
                       CausalDecoder decoder, TextTokenizer tokenizer, ChatTemplate template, ImageProcessor processor,
                       String bosToken, Set<Integer> stopTokens) {
        this.name = name;
        this.config = config;
        this.manager = manager;
        this.vision = vision;
        this.proj1T = projector[0];
        this.proj1Bias = projector[1];
        this.proj2T = projector[2];
        this.proj2Bias = projector[3];
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.template = template;
        this.processor = processor;
        this.bosToken = bosToken;
        this.stopTokens = stopTokens;
    }

    /**
     * @param dir the model directory
     * @param json its config.json
     * @param manager the weights' manager (on the target device); closed with the model
     * @return the model
     */
    public static LlavaModel load(Path dir, HfConfig json, NDManager manager) throws ModelLoadException {
        LlavaConfig config = LlavaConfig.from(json);
        WeightStore store = WeightStore.open(dir);
        String visionPrefix = store.prefix("vision tower", "vision_tower.vision_model.", "model.vision_tower.vision_model.");
        String projectorPrefix = store.prefix("projector", "multi_modal_projector.", "model.multi_modal_projector.");
        String textPrefix = store.prefix("language model", "language_model.model.", "model.language_model.");
        String lmHead = store.has("language_model.lm_head.weight") ? "language_model.lm_head.weight" : "lm_head.weight";

        int c = config.vision().hiddenSize();
        int d = config.text().hiddenSize();
        boolean bias = json.boolValue("multimodal_projector_bias", true);
        NDArray[] projector = {
                store.load(manager, projectorPrefix + "linear_1.weight", d, c).transpose(),
                bias ? store.load(manager, projectorPrefix + "linear_1.bias", d) : manager.zeros(new ai.djl.ndarray.types.Shape(d)),
                store.load(manager, projectorPrefix + "linear_2.weight", d, d).transpose(),
                bias ? store.load(manager, projectorPrefix + "linear_2.bias", d) : manager.zeros(new ai.djl.ndarray.types.Shape(d))};
        VisionTower vision = VisionTower.load(store, visionPrefix, config.vision(), config.featureLayerIndex(), manager);
        CausalDecoder decoder = CausalDecoder.load(store, textPrefix, lmHead, config.text(), manager);

        HfConfig tokenizerConfig = HfConfig.readOptional(dir.resolve("tokenizer_config.json"));
        Map<String, Object> specials = new HashMap<>();
        for (String key : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
            specialToken(tokenizerConfig, key).ifPresent(v -> specials.put(key, v));
        }
        TextTokenizer tokenizer = TextTokenizer.load(dir);
        ChatTemplate template = new ChatTemplate(chatTemplate(dir, tokenizerConfig), specials);
        ImageProcessor processor = ImageProcessor.fromConfig(
                HfConfig.read(dir.resolve("preprocessor_config.json")), config.vision().imageSize());
        return new LlavaModel(dir.getFileName().toString(), config, manager, vision, projector, decoder, tokenizer,
                template, processor, (String) specials.get("bos_token"), stopTokens(dir, json));
    }

    private static java.util.Optional<String> specialToken(HfConfig tokenizerConfig, String key) {
        if (!tokenizerConfig.has(key)) {
            return java.util.Optional.empty();
        }
        JsonElement e = tokenizerConfig.json().get(key);
        return java.util.Optional.of(e.isJsonObject() ? e.getAsJsonObject().get("content").getAsString() : e.getAsString());
    }

    /** Newer checkpoints keep the template in chat_template.jinja or chat_template.json. */
    private static String chatTemplate(Path dir, HfConfig tokenizerConfig) throws ModelLoadException {
        try {
            Path jinja = dir.resolve("chat_template.jinja");
            if (Files.isRegularFile(jinja)) {
                return Files.readString(jinja, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot load model: cannot read " + dir.resolve("chat_template.jinja"), e);
        }
        HfConfig json = HfConfig.readOptional(dir.resolve("chat_template.json"));
        for (HfConfig source : List.of(json, tokenizerConfig)) {
            if (source.has("chat_template") && source.json().get("chat_template").isJsonPrimitive()) {
                return source.string("chat_template");
            }
        }
        throw new ModelLoadException("Cannot load model: no chat template in " + dir
                + " (expected chat_template in tokenizer_config.json, chat_template.json or chat_template.jinja)");
    }

    private static Set<Integer> stopTokens(Path dir, HfConfig config) throws ModelLoadException {
        HfConfig generation = HfConfig.readOptional(dir.resolve("generation_config.json"));
        Set<Integer> ids = new HashSet<>();
        for (HfConfig source : List.of(generation, config.child("text_config"), config)) {
            if (source.has("eos_token_id")) {
                JsonElement e = source.json().get("eos_token_id");
                if (e.isJsonArray()) {
                    e.getAsJsonArray().forEach(id -> ids.add(id.getAsInt()));
                } else {
                    ids.add(e.getAsInt());
                }
            }
        }
        if (ids.isEmpty()) {
            throw new ModelLoadException("Cannot load model: no eos_token_id in generation_config.json or config.json of " + dir);
        }
        return Set.copyOf(ids);
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the image processor of preprocessor_config.json */
    public ImageProcessor imageProcessor() {
        return processor;
    }

    @Override
    public DecoderShape shape() {
        return decoder.shape();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public PreparedPrompt prepare(BufferedImage image, String question, NDManager pair) throws PromptException {
        return prepare(processor.process(image, pair), question, pair);
    }

    /**
     * Builds the decoder input from already preprocessed pixels (what the image processor returns).
     *
     * @param pixels pixel values, (1, 3, H, W) at the tower's size
     * @param question the question
     * @param pair owner of the embeddings
     * @return the decoder input
     * @throws PromptException when no valid prompt can be built
     */
    public PreparedPrompt prepare(NDArray pixels, String question, NDManager pair) throws PromptException {
        String prompt;
        try {
            prompt = template.renderUserTurn(question, true);
        } catch (IllegalArgumentException e) {
            throw new PromptException("the chat template cannot render this question: " + e.getMessage());
        }
        boolean templateHasBos = bosToken != null && prompt.startsWith(bosToken);
        TextTokenizer.Encoded encoded = tokenizer.encode(prompt, !templateHasBos);
        int questionStart = prompt.lastIndexOf(question);
        int questionEnd = questionStart + question.length();

        int imageAt = -1;
        for (int i = 0; i < encoded.ids().length; i++) {
            if (encoded.ids()[i] == config.imageTokenId()) {
                if (imageAt >= 0) {
                    throw new PromptException("the prompt holds more than one image placeholder (only one image per pair is supported;"
                            + " remove '" + tokenizer.tokenText(config.imageTokenId()) + "' from the question)");
                }
                imageAt = i;
            }
        }
        if (imageAt < 0) {
            throw new PromptException("the chat template produced no image placeholder (token id " + config.imageTokenId() + ")");
        }
        int grid = config.vision().gridSize();
        int imageTokens = config.imageTokens();
        String imageText = tokenizer.tokenText(config.imageTokenId());
        List<TokenInfo> tokens = new ArrayList<>(encoded.ids().length - 1 + imageTokens);
        for (int i = 0; i < encoded.ids().length; i++) {
            int id = encoded.ids()[i];
            if (i == imageAt) {
                for (int f = 0; f < imageTokens; f++) {
                    int cell = config.cellOf(f);
                    tokens.add(new TokenInfo(id, imageText, TokenKind.VISION, cell / grid, cell % grid));
                }
                continue;
            }
            boolean inQuestion = questionStart >= 0 && encoded.starts()[i] >= questionStart && encoded.ends()[i] <= questionEnd
                    && encoded.ends()[i] > encoded.starts()[i];
            tokens.add(new TokenInfo(id, tokenizer.tokenText(id), inQuestion ? TokenKind.TEXT : TokenKind.SPECIAL, -1, -1));
        }

        NDArray features = vision.encode(pixels);                                          // (N, C)
        if (config.dropFirstFeature()) {
            features = features.get("1:");
        }
        NDArray projected = projector(features);                                           // (N', d)
        int[] ids = encoded.ids();
        NDArray before = decoder.embed(java.util.Arrays.copyOfRange(ids, 0, imageAt), pair);
        NDArray after = decoder.embed(java.util.Arrays.copyOfRange(ids, imageAt + 1, ids.length), pair);
        NDArray embeddings = before.concat(projected, 0).concat(after, 0);                 // (S, d)
        return new PreparedPrompt(tokens, grid, grid, embeddings);
    }

    private NDArray projector(NDArray features) {
        NDArray hidden = Activation.gelu(features.matMul(proj1T).add(proj1Bias));
        return hidden.matMul(proj2T).add(proj2Bias);
    }

    @Override
    public DecoderSession openSession(NDManager pair, boolean keepLayerInputs) {
        // Grad mode is per thread and only the engine's first thread has it off; Spark task threads do not.
        JniUtils.setGradMode(false);
        return decoder.open(pair, keepLayerInputs);
    }

    @Override
    public NDArray embed(int tokenId, NDManager step) {
        return decoder.embed(new int[] {tokenId}, step);
    }

    @Override
    public boolean isStopToken(int tokenId) {
        return stopTokens.contains(tokenId);
    }

    @Override
    public String tokenText(int tokenId) {
        return tokenizer.tokenText(tokenId);
    }

    @Override
    public String decode(int[] tokenIds) {
        return tokenizer.decode(tokenIds);
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
