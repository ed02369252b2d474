package io.maskimpact.family.gemma3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.family.llava.Llava;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.hf.HfCheckpoint;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.hf.HfVocabulary;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.hf.WeightStore;
import io.maskimpact.model.image.ImagePipeline;
import io.maskimpact.model.image.ImageProcessorConfig;
import io.maskimpact.model.image.ImageProcessors;
import io.maskimpact.model.image.ProcessorOverrides;
import io.maskimpact.model.nn.Norm;
import io.maskimpact.model.nn.TextDecoder;
import io.maskimpact.model.nn.VitEncoder;

import java.util.List;

/**
 * Gemma 3 ({@code model_type} {@code gemma3}, {@code Gemma3ForConditionalGeneration}), from a Hugging Face
 * folder as transformers saves it ({@code language_model.model.*}, {@code vision_tower.*},
 * {@code multi_modal_projector.*}, tied LM head), renamed as transformers renames it at load (LLaVA's
 * renames, {@code conversion_mapping.py}).
 *
 * <p>The image processor runs as {@code Gemma3Processor} calls it: its call defaults turn pan and scan
 * off whatever the saved image processor config says, so one image is always one 896-pixel (or the
 * config's size) view.
 */
public final class Gemma3 {

    private Gemma3() {
    }

    /**
     * @param checkpoint the model folder
     * @param manager the weights' manager (on the target device); closed with the model
     * @return the model
     * @throws ModelLoadException when the folder cannot be used
     */
    public static Vlm load(HfCheckpoint checkpoint, NDManager manager) throws ModelLoadException {
        Gemma3Config config = Gemma3Config.from(checkpoint.config());
        ImagePipeline processor = processorAsCalled(checkpoint);
        WeightStore store = checkpoint.weights(Llava.RENAMINGS);
        VitEncoder vision = VitEncoder.loadLastHiddenState(store, "model.vision_tower.", config.vision(), manager);
        int c = config.vision().hiddenSize();
        String p = "model.multi_modal_projector.";
        NDArray weight = store.load(manager, p + "mm_input_projection_weight", c, config.text().hiddenSize());
        Projector projector = new Projector(config.tokenGrid(),
                Norm.rmsOffsetFromOne(store, manager, p + "mm_soft_emb_norm", c, config.vision().layerNormEps()), weight);
        TextDecoder decoder = TextDecoder.load(store, "model.language_model.", "lm_head.weight", config.text(),
                TextDecoder.standardRope(config.text().headDim()), manager);
        TextTokenizer tokenizer = checkpoint.tokenizer();
        Gemma3Prompts.ImageTokens names = new Gemma3Prompts.ImageTokens(
                checkpoint.specialToken("boi_token").orElse("<start_of_image>"),
                checkpoint.specialToken("image_token").orElse("<image_soft_token>"),
                checkpoint.specialToken("eoi_token").orElse("<end_of_image>"));
        Gemma3Prompts prompts = new Gemma3Prompts(config, vision, projector, decoder, tokenizer, checkpoint.chatTemplate(),
                processor, checkpoint.specialToken("bos_token").orElse(null), names);
        return new Vlm(checkpoint.name(), manager, prompts, decoder, new HfVocabulary(tokenizer, checkpoint.stopTokens()),
                List.of(tokenizer));
    }

    /** The saved image processor with {@code Gemma3ProcessorKwargs}' call default {@code do_pan_and_scan: false}. */
    private static ImagePipeline processorAsCalled(HfCheckpoint checkpoint) throws ModelLoadException {
        HfConfig saved = ImageProcessorConfig.read(checkpoint.dir());         // a fresh parse, ours to change
        saved.json().addProperty("do_pan_and_scan", false);
        ImagePipeline processor = ImageProcessors.fromConfig(saved, ProcessorOverrides.NONE);
        if (!processor.name().equals("Gemma3ImageProcessor")) {
            throw new ModelLoadException("Cannot load model: the image processor of " + checkpoint.dir() + " is a " + processor.name()
                    + ", expected Gemma3ImageProcessor (use the processor saved with the model)");
        }
        return processor;
    }
}
