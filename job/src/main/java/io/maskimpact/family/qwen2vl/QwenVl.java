package io.maskimpact.family.qwen2vl;

import ai.djl.ndarray.NDManager;
import io.maskimpact.family.qwen2vl.QwenVlConfig.Generation;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.hf.HfCheckpoint;
import io.maskimpact.model.hf.HfVocabulary;
import io.maskimpact.model.hf.TextTokenizer;
import io.maskimpact.model.hf.WeightStore;
import io.maskimpact.model.hf.WeightStore.Renaming;
import io.maskimpact.model.image.ImagePipeline;
import io.maskimpact.model.image.ImageProcessors;
import io.maskimpact.model.image.Patchify;
import io.maskimpact.model.image.ProcessorOverrides;
import io.maskimpact.model.nn.Rope;
import io.maskimpact.model.nn.TextDecoder;

import java.util.List;

/**
 * The Qwen-VL family ({@code model_type} {@code qwen2_vl}, {@code qwen2_5_vl}, {@code qwen3_vl}): a vision
 * tower at the image's own resolution, merged 2x2 patches as image tokens, a decoder with 3-D M-RoPE, and for
 * Qwen3-VL DeepStack features added after the first decoder layers; from a Hugging Face folder in the layout of
 * transformers 4 or 5.
 */
public final class QwenVl {
    /**
     * transformers' load-time renames for Qwen2-VL and Qwen2.5-VL ({@code conversion_mapping.py},
     * "Qwen2VLForConditionalGeneration"): their released and saved names ({@code visual.*}, {@code model.*}) to
     * the module names of transformers 5 ({@code model.visual.*}, {@code model.language_model.*}). Qwen3-VL's
     * checkpoints already use those.
     */
    static final List<Renaming> QWEN2_RENAMINGS = List.of(
            Renaming.of("^visual\\.", "model.visual."),
            Renaming.of("^model\\.(?!language_model\\.|visual\\.)", "model.language_model."));

    private QwenVl() {
    }

    /**
     * @param checkpoint the model folder
     * @param manager the weights' manager (on the target device); closed with the model
     * @param overrides image processor settings that replace the folder's (the job's --min-pixels, --max-pixels)
     * @return the model
     * @throws ModelLoadException when the folder cannot be used
     */
    public static Vlm load(HfCheckpoint checkpoint, NDManager manager, ProcessorOverrides overrides) throws ModelLoadException {
        QwenVlConfig config = QwenVlConfig.from(checkpoint.config());
        ImagePipeline processor = ImageProcessors.forModel(checkpoint.dir(), overrides);
        checkProcessor(processor, config.vision(), checkpoint);
        WeightStore store = checkpoint.weights(config.generation() == Generation.QWEN3_VL ? List.of() : QWEN2_RENAMINGS);
        VisionTower vision = VisionTower.load(store, "model.visual.", config.vision(), config.generation(), manager);
        int headDim = config.text().headDim();
        boolean interleaved = config.generation() == Generation.QWEN3_VL;
        String where = checkpoint.dir().resolve("config.json").toString();
        TextDecoder decoder = TextDecoder.load(store, "model.language_model.", "lm_head.weight", config.text(),
                p -> Rope.multimodal(p, headDim, interleaved, where), manager);
        TextTokenizer tokenizer = checkpoint.tokenizer();
        QwenPrompts prompts = new QwenPrompts(config, vision, decoder, tokenizer, checkpoint.chatTemplate(), processor,
                checkpoint.specialToken("bos_token").orElse(null));
        return new Vlm(checkpoint.name(), manager, prompts, decoder, new HfVocabulary(tokenizer, checkpoint.stopTokens()),
                List.of(tokenizer));
    }

    /** The processor must cut the patches the tower embeds. */
    private static void checkProcessor(ImagePipeline processor, QwenVlConfig.Vision vision, HfCheckpoint checkpoint)
            throws ModelLoadException {
        Patchify p = processor.patchify().orElseThrow(() -> new ModelLoadException("Cannot load model: the image processor of "
                + checkpoint.dir() + " is a " + processor.name() + ", expected Qwen2VLImageProcessor (Qwen-VL models take patch rows)"));
        if (p.patch() != vision.patch() || p.merge() != vision.merge() || p.temporal() != vision.temporalPatch()) {
            throw new ModelLoadException("Cannot load model: the image processor of " + checkpoint.dir() + " cuts "
                    + p.patch() + "-pixel patches, merged " + p.merge() + "x" + p.merge() + ", " + p.temporal() + " frames, but the vision tower"
                    + " in config.json takes patch_size " + vision.patch() + ", spatial_merge_size " + vision.merge()
                    + ", temporal_patch_size " + vision.temporalPatch() + " (use the processor saved with the model)");
        }
    }
}
