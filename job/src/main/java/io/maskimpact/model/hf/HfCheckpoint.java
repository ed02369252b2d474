package io.maskimpact.model.hf;

import com.google.gson.JsonElement;
import io.maskimpact.model.ModelLoadException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Hugging Face model folder as {@code save_pretrained} writes it, in the layouts of
 * transformers 4 and 5: the pieces every family reads the same way (config, weights, tokenizer,
 * chat template, stop tokens, image processor settings).
 */
public final class HfCheckpoint {
    private final Path dir;
    private final HfConfig config;
    private final HfConfig tokenizerConfig;

    private HfCheckpoint(Path dir, HfConfig config, HfConfig tokenizerConfig) {
        this.dir = dir;
        this.config = config;
        this.tokenizerConfig = tokenizerConfig;
    }

    /**
     * @param dir a model folder
     * @return the checkpoint (only config.json and tokenizer_config.json are read)
     * @throws ModelLoadException when the folder or its config.json is missing or unreadable
     */
    public static HfCheckpoint open(Path dir) throws ModelLoadException {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("Cannot load model: " + dir + " is not a directory (pass a Hugging Face model directory with --model)");
        }
        return new HfCheckpoint(dir, HfConfig.read(dir.resolve("config.json")),
                HfConfig.readOptional(dir.resolve("tokenizer_config.json")));
    }

    /** @return the folder */
    public Path dir() {
        return dir;
    }

    /** @return the folder's name, used as the model's name */
    public String name() {
        return dir.getFileName().toString();
    }

    /** @return config.json */
    public HfConfig config() {
        return config;
    }

    /**
     * @param renamings transformers' load-time renames for this family
     * @return the weights under transformers' module names
     */
    public WeightStore weights(List<WeightStore.Renaming> renamings) throws ModelLoadException {
        return WeightStore.open(dir, renamings);
    }

    /** @return the fast tokenizer of tokenizer.json */
    public TextTokenizer tokenizer() throws ModelLoadException {
        return TextTokenizer.load(dir);
    }

    /**
     * @param key a special token key of tokenizer_config.json ({@code bos_token}, ...)
     * @return its text, when set
     */
    public Optional<String> specialToken(String key) {
        if (!tokenizerConfig.has(key)) {
            return Optional.empty();
        }
        JsonElement e = tokenizerConfig.json().get(key);
        return Optional.of(e.isJsonObject() ? e.getAsJsonObject().get("content").getAsString() : e.getAsString());
    }

    /**
     * The chat template with the special tokens transformers passes to it.
     *
     * @return the template of chat_template.jinja, chat_template.json or tokenizer_config.json
     * @throws ModelLoadException when there is none, or it uses what the renderer cannot render exactly
     */
    public ChatTemplate chatTemplate() throws ModelLoadException {
        Map<String, Object> specials = new HashMap<>();
        for (String key : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
            specialToken(key).ifPresent(v -> specials.put(key, v));
        }
        try {
            return new ChatTemplate(chatTemplateSource(), specials);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("Cannot load model: the chat template of " + dir + " cannot be rendered exactly as"
                    + " transformers renders it (" + e.getMessage() + ")", e);
        }
    }

    // Newer checkpoints keep the template in chat_template.jinja or chat_template.json.
    private String chatTemplateSource() throws ModelLoadException {
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            try {
                return Files.readString(jinja, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ModelLoadException("Cannot load model: cannot read " + jinja + " (" + e.getMessage() + ")", e);
            }
        }
        HfConfig json = HfConfig.readOptional(dir.resolve("chat_template.json"));
        for (HfConfig source : List.of(json, tokenizerConfig)) {
            if (source.has("chat_template") && source.json().get("chat_template").isJsonPrimitive()) {
                return source.string("chat_template");
            }
        }
        throw new ModelLoadException("Cannot load model: no chat template in " + dir
                + " (expected chat_template.jinja, chat_template.json or chat_template in tokenizer_config.json)");
    }

    /**
     * @return the ids that end generation: eos_token_id of generation_config.json, the text config and config.json
     * @throws ModelLoadException when none is given
     */
    public Set<Integer> stopTokens() throws ModelLoadException {
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
}
