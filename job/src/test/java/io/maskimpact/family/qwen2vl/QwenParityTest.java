package io.maskimpact.family.qwen2vl;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.Algorithm;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.family.Families;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.StepTrace;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.image.ImageProcessors;
import io.maskimpact.model.image.PilRgb;
import io.maskimpact.model.image.ProcessedImage;
import io.maskimpact.model.image.ProcessorOverrides;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Qwen2-VL, Qwen2.5-VL and Qwen3-VL against transformers 5.17 on the harness's parity pairs (eight images:
 * non-square, odd, smaller and larger than the pixel bounds, grey, palette, RGBA, EXIF-rotated; a question
 * with non-ASCII characters): the prompt's token ids, the processor's pixel rows, every step's logits and
 * each decoder layer's output at the final position (with the KV cache), the greedy tokens and their
 * probabilities, and every row of the original masking algorithm (every position, every variant, every layer,
 * every step), each within 1e-4 of transformers' value (relative above 1).
 *
 * <p>Checkpoints: F32 and BF16 (sharded), tied and untied, the 5.x layout and the 4.x layout where it differs
 * (Qwen2-VL's flat config, Qwen3-VL's rope_scaling) against the same dump; Qwen2.5-VL with images spanning
 * several attention windows; Qwen3-VL with grids that interpolate its 4x4 position table, and DeepStack.
 */
class QwenParityTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest(name = "{0} against the dump of {1}")
    @CsvSource({"qwen2-vl, qwen2-vl", "qwen2-vl-4x, qwen2-vl", "qwen2.5-vl, qwen2.5-vl", "qwen3-vl, qwen3-vl",
            "qwen3-vl-4x, qwen3-vl", "qwen3-vl-bf16, qwen3-vl-bf16"})
    void matchesTransformers(String checkpoint, String dump) throws Exception {
        QwenReference ref = QwenReference.read(dump);
        Path dir = TinyModels.modelsDir().resolve("parity").resolve(checkpoint);
        Map<String, Double> maxDiff = new TreeMap<>();
        try (Vlm model = Families.load(dir, "cpu")) {
            AnalysisOptions options = new AnalysisOptions(MaskMode.BOTH, ref.json().get("max_new_tokens").getAsInt(),
                    VariantSet.parse("all"), Algorithm.EXACT, true);
            ImpactAnalyzer analyzer = new ImpactAnalyzer(model, options);
            for (JsonObject pair : ref.pairs()) {
                String id = pair.get("pair_id").getAsString();
                BufferedImage image = ref.image(pair);
                String question = pair.get("question").getAsString();
                int[] generated = QwenReference.ints(pair.getAsJsonArray("generated"));
                record(maxDiff, "pixel_values", checkPixels(ref, dir, id, image));
                checkForward(ref, model, pair, image, generated, maxDiff);
                PairImpact impact = analyzer.analyze(new PairRequest(id, image, question, generated.length, MaskMode.BOTH));
                checkRows(ref, pair, impact, maxDiff);
            }
        }
        System.out.printf("parity %s (dump %s): max |diff| %s%n", checkpoint, dump, maxDiff);
    }

    /** The processor's pixel rows, as transformers' image processor wrote them. */
    private static double checkPixels(QwenReference ref, Path dir, String id, BufferedImage image) throws Exception {
        ProcessedImage processed = ImageProcessors.forModel(dir, ProcessorOverrides.NONE).process(PilRgb.convert(image));
        float[] expected = ref.floats(id + "/pixel_values");
        float[] actual = processed.regions().get(0).values();
        assertThat(actual.length).as("%s: pixel values (%s in transformers)", id, java.util.Arrays.toString(ref.shape(id + "/pixel_values")))
                .isEqualTo(expected.length);
        return maxAbs(actual, expected, id + " pixel_values");
    }

    /** Token ids, then each step's logits and layer outputs through the KV cache, feeding transformers' tokens. */
    private static void checkForward(QwenReference ref, Vlm model, JsonObject pair, BufferedImage image, int[] generated,
                                     Map<String, Double> maxDiff) throws Exception {
        String id = pair.get("pair_id").getAsString();
        try (NDManager manager = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(image, pair.get("question").getAsString(), manager);
            int[] ids = prompt.tokens().stream().mapToInt(TokenInfo::tokenId).toArray();
            assertThat(ids).as("%s: prompt token ids as transformers' processor makes them", id)
                    .containsExactly(QwenReference.ints(pair.getAsJsonArray("input_ids")));
            try (DecoderSession session = model.decoder().open(prompt, manager, false)) {
                for (int t = 0; t < generated.length; t++) {
                    try (NDManager step = manager.newSubManager()) {
                        StepTrace trace = t == 0 ? session.prefill(step) : session.next(generated[t - 1], step);
                        String name = id + "/step" + t + "/";
                        record(maxDiff, "logits", maxAbs(trace.logits().toFloatArray(), ref.floats(name + "logits"), name + "logits"));
                        float[] resid = ref.floats(name + "resid_post");
                        int d = resid.length / trace.layers().size();
                        for (int l = 0; l < trace.layers().size(); l++) {
                            float[] expected = java.util.Arrays.copyOfRange(resid, l * d, (l + 1) * d);
                            record(maxDiff, "resid_post", maxAbs(trace.layers().get(l).residPost().toFloatArray(), expected,
                                    name + "resid_post layer " + l));
                        }
                    }
                }
            }
        }
    }

    /** Greedy tokens, their probabilities, the answer and every row of the original algorithm. */
    private static void checkRows(QwenReference ref, JsonObject pair, PairImpact impact, Map<String, Double> maxDiff) {
        String id = pair.get("pair_id").getAsString();
        int[] generated = QwenReference.ints(pair.getAsJsonArray("generated"));
        double[] probs = QwenReference.doubles(pair.getAsJsonArray("generated_probs"));
        List<String> variants = ref.variants();
        assertThat(impact.steps()).as("%s: generation steps", id).hasSize(generated.length);
        assertThat(impact.answer()).as("%s: the decoded answer", id).isEqualTo(pair.get("answer").getAsString());
        for (StepImpact step : impact.steps()) {
            int t = step.step();
            assertThat(step.predictedTokenId()).as("%s: greedy token at step %d", id, t).isEqualTo(generated[t]);
            record(maxDiff, "prob", within(step.predictedProb(), probs[t], id + " prob at step " + t));
            String name = id + "/step" + t + "/";
            long[] shape = ref.shape(name + "l2");                                      // (L, S, NV)
            int s = (int) shape[1];
            int nv = (int) shape[2];
            assertThat(step.sequenceLength()).as("%s: sequence length at step %d", id, t).isEqualTo(s);
            assertThat(step.rowCount()).as("%s: one row per layer, position and variant at step %d", id, t)
                    .isEqualTo(shape[0] * s * nv);
            float[] l2 = ref.floats(name + "l2");
            float[] cosine = ref.floats(name + "cosine");
            for (int r = 0; r < step.rowCount(); r++) {
                int v = variants.indexOf(impact.variantNames().get(step.variant()[r]));
                int at = (step.layer()[r] * s + step.position()[r]) * nv + v;
                String where = String.format("%s step %d layer %d position %d %s", id, t, step.layer()[r], step.position()[r],
                        variants.get(v));
                record(maxDiff, "l2", within(step.l2()[r], l2[at], where + " l2"));
                record(maxDiff, "cosine", within(step.cosine()[r], cosine[at], where + " cosine"));
            }
        }
    }

    private static double maxAbs(float[] actual, float[] expected, String what) {
        assertThat(actual.length).as("%s: values", what).isEqualTo(expected.length);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, within(actual[i], expected[i], what + "[" + i + "]"));
        }
        return max;
    }

    private static double within(double actual, double expected, String what) {
        double diff = Math.abs(actual - expected);
        assertThat(diff).as("%s: %s vs transformers' %s", what, actual, expected)
                .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(expected)));
        return diff;
    }

    private static void record(Map<String, Double> maxDiff, String stage, double diff) {
        maxDiff.merge(stage, diff, Math::max);
    }
}
