package io.maskimpact.family.idefics3;

import ai.djl.ndarray.NDManager;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.hf.HfCheckpoint;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.hf.HfVocabulary;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.hf.WeightStore;
import io.maskimpact.model.image.ImagePipeline;
import io.maskimpact.model.image.ImageProcessors;
import io.maskimpact.model.image.ProcessorOverrides;
import io.maskimpact.model.nn.Linear;
import io.maskimpact.model.nn.TextDecoder;
import io.maskimpact.model.nn.VitEncoder;

import java.util.List;
import java.util.Set;

/**
 * Idefics3 and SmolVLM ({@code model_type} {@code idefics3}, {@code smolvlm}), from a Hugging Face folder
 * as transformers 5 saves them: {@code model.vision_model.*}, {@code model.connector.*},
 * {@code model.text_model.*}, {@code lm_head.weight} (absent when tied), no renames.
 */
public final class Idefics3 {
    private static final Set<String> PROCESSORS = Set.of("Idefics3ImageProcessor", "SmolVLMImageProcessor");

    private Idefics3() {
    }

    /**
     * @param checkpoint the model folder
     * @param manager the weights' manager (on the target device); closed with the model
     * @param overrides image processor settings from the job ({@code --no-image-splitting})
     * @return the model
     * @throws ModelLoadException when the folder cannot be used
     */
    public static Vlm load(HfCheckpoint checkpoint, NDManager manager, ProcessorOverrides overrides) throws ModelLoadException {
        Idefics3Config config = Idefics3Config.from(checkpoint.config());
        ImagePipeline processor = ImageProcessors.forModel(checkpoint.dir(), overrides);
        if (!PROCESSORS.contains(processor.name())) {
            throw new ModelLoadException("Cannot load model: the image processor of " + checkpoint.dir() + " is a " + processor.name()
                    + ", expected one of " + PROCESSORS + " (use the processor saved with the model)");
        }
        checkSequenceLength(checkpoint, config);
        WeightStore store = checkpoint.weights(List.of());
        VitEncoder vision = VitEncoder.loadLastHiddenState(store, "model.vision_model.", config.vision(), manager);
        int shuffled = config.scaleFactor() * config.scaleFactor() * config.vision().hiddenSize();
        Connector connector = new Connector(config.scaleFactor(), Linear.load(store, manager,
                "model.connector.modality_projection.proj", shuffled, config.text().hiddenSize(), false));
        TextDecoder decoder = TextDecoder.load(store, "model.text_model.", "lm_head.weight", config.text(),
                TextDecoder.standardRope(config.text().headDim()), manager);
        TextTokenizer tokenizer = checkpoint.tokenizer();
        // SmolVLM's processor takes these texts from the tokenizer when it names them; Idefics3's always uses these
        boolean smol = checkpoint.config().optString("model_type").orElse("").equals("smolvlm");
        Idefics3Prompts.ImageTokens names = new Idefics3Prompts.ImageTokens(
                smol ? checkpoint.specialToken("image_token").orElse("<image>") : "<image>",
                smol ? checkpoint.specialToken("fake_image_token").orElse("<fake_token_around_image>") : "<fake_token_around_image>",
                smol ? checkpoint.specialToken("global_image_token").orElse("<global-img>") : "<global-img>");
        Idefics3Prompts prompts = new Idefics3Prompts(config, vision, connector, decoder, tokenizer, checkpoint.chatTemplate(),
                processor, checkpoint.specialToken("bos_token").orElse(null), names);
        return new Vlm(checkpoint.name(), manager, prompts, decoder, new HfVocabulary(tokenizer, checkpoint.stopTokens()),
                List.of(tokenizer));
    }

    /** The processor writes {@code image_seq_len} tokens per tile; the connector makes a fixed number. */
    private static void checkSequenceLength(HfCheckpoint checkpoint, Idefics3Config config) throws ModelLoadException {
        HfConfig processor = HfConfig.readOptional(checkpoint.dir().resolve("processor_config.json"));
        int seqLen = processor.intValue("image_seq_len", 169);
        if (seqLen != config.tokensPerTile()) {
            throw new ModelLoadException("Cannot load model: image_seq_len " + seqLen + " in " + checkpoint.dir().resolve("processor_config.json")
                    + " differs from the " + config.tokensPerTile() + " tokens per tile of config.json ((image_size / patch_size)^2 / scale_factor^2)");
        }
    }
}
