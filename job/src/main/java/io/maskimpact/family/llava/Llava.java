package io.maskimpact.family.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.hf.HfCheckpoint;
import io.maskimpact.model.hf.HfVocabulary;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.hf.WeightStore;
import io.maskimpact.model.image.ImagePipeline;
import io.maskimpact.model.image.ImageProcessors;
import io.maskimpact.model.image.ProcessorOverrides;
import io.maskimpact.model.hf.WeightStore.Renaming;
import io.maskimpact.model.nn.Activations;
import io.maskimpact.model.nn.Linear;
import io.maskimpact.model.nn.TextDecoder;
import io.maskimpact.model.nn.VitEncoder;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The LLaVA family ({@code model_type} {@code llava}: llava-1.5, llava-interleave-qwen): a CLIP
 * or SigLIP tower, a two-layer MLP projector and a LLaMA or Qwen2 decoder, from a Hugging Face
 * folder in the layout of transformers 4 or 5.
 */
public final class Llava {
    /**
     * transformers' load-time renames for LLaVA ({@code conversion_mapping.py}: "llava",
     * "LlavaModel", and CLIP's/SigLIP's dropped {@code vision_model} level), mapping every stored
     * layout to the module names of transformers 5. transformers applies the same ones to Gemma 3.
     */
    public static final List<Renaming> RENAMINGS = List.of(
            Renaming.of("^language_model\\.lm_head\\.", "lm_head."),
            Renaming.of("^language_model\\.model\\.", "model.language_model."),
            Renaming.of("^language_model\\.", "model.language_model."),
            Renaming.of("^vision_tower\\.", "model.vision_tower."),
            Renaming.of("^multi_modal_projector\\.", "model.multi_modal_projector."),
            Renaming.of("^model\\.vision_tower\\.vision_model\\.", "model.vision_tower."));

    private Llava() {
    }

    /**
     * @param checkpoint the model folder
     * @param manager the weights' manager (on the target device); closed with the model
     * @return the model
     * @throws ModelLoadException when the folder cannot be used
     */
    public static Vlm load(HfCheckpoint checkpoint, NDManager manager) throws ModelLoadException {
        LlavaConfig config = LlavaConfig.from(checkpoint.config());
        WeightStore store = checkpoint.weights(RENAMINGS);
        int c = config.vision().hiddenSize();
        int d = config.text().hiddenSize();
        String projector = "model.multi_modal_projector.";
        Linear linear1 = Linear.load(store, manager, projector + "linear_1", c, d, config.projectorBias());
        Linear linear2 = Linear.load(store, manager, projector + "linear_2", d, d, config.projectorBias());
        VitEncoder vision = VitEncoder.load(store, "model.vision_tower.", config.vision(), config.featureLayerIndex(), manager);
        TextDecoder decoder = TextDecoder.load(store, "model.language_model.", "lm_head.weight", config.text(),
                TextDecoder.standardRope(config.text().headDim()), manager);
        UnaryOperator<NDArray> act = Activations.of(config.projectorAct(), checkpoint.dir().resolve("config.json") + "#projector_hidden_act");
        TextTokenizer tokenizer = checkpoint.tokenizer();
        ImagePipeline processor = ImageProcessors.forModel(checkpoint.dir(), ProcessorOverrides.NONE);
        LlavaPrompts prompts = new LlavaPrompts(config, vision,
                x -> linear2.apply(act.apply(linear1.apply(x))), decoder, tokenizer,
                checkpoint.chatTemplate(), processor, checkpoint.specialToken("bos_token").orElse(null));
        return new Vlm(checkpoint.name(), manager, prompts, decoder, new HfVocabulary(tokenizer, checkpoint.stopTokens()),
                List.of(tokenizer));
    }
}
