package io.maskimpact.family.qwen2vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.maskimpact.analysis.Algorithm;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.StepTrace;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.api.Test;

import io.maskimpact.input.PixelImage;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Qwen3-VL's DeepStack against transformers (the qwen3-vl dump; DeepStack features from vision blocks 0 and 1
 * are added after decoder layers 0 and 1 at the image tokens, outside the layers):
 * <ul>
 *   <li>the additions sit exactly at the image tokens' rows;
 *   <li>{@code Full} is the layer's own update: the final position is a text token, which DeepStack never
 *       touches, so layer L + 1's input there is layer L's output, and {@code Full} rows of image tokens at
 *       every layer equal transformers' (layer output minus layer input, as its hooks see them);
 *   <li>without the additions, the layers after them no longer match transformers: the DeepStack-enriched
 *       image rows are what layers 1 and 2 attend to.
 * </ul>
 */
class DeepStackTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void fullIsTheLayersOwnUpdateOverDeepStackEnrichedImageRows() throws Exception {
        QwenReference ref = QwenReference.read("qwen3-vl");
        JsonObject pair = ref.pairs().stream().filter(p -> p.get("pair_id").getAsString().equals("large")).findFirst().orElseThrow();
        PixelImage image = ref.image(pair);
        String question = pair.get("question").getAsString();
        Vlm model = TinyModels.get("parity/qwen3-vl");
        try (NDManager manager = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(image, question, manager);
            ImageRegion region = prompt.regions().get(0);
            int first = region.firstToken();
            int last = first + region.tokenCount();
            assertThat(prompt.residualAdditions()).as("one DeepStack addition per deepstack_visual_indexes entry").hasSize(2);
            for (NDArray addition : prompt.residualAdditions()) {
                float[] rowNorms = addition.abs().sum(new int[] {1}).toFloatArray();
                for (int row = 0; row < rowNorms.length; row++) {
                    boolean imageRow = row >= first && row < last;
                    assertThat(rowNorms[row] > 0).as("addition row %d is non-zero exactly at image tokens [%d, %d)", row, first, last)
                            .isEqualTo(imageRow);
                }
            }

            float[] resid = ref.floats("large/step0/resid_post");
            int d = model.shape().hiddenSize();
            try (DecoderSession session = model.decoder().open(prompt, manager, false); NDManager step = manager.newSubManager()) {
                StepTrace trace = session.prefill(step);
                for (int l = 0; l + 1 < trace.layers().size(); l++) {
                    assertThat(trace.layers().get(l + 1).residPre().toFloatArray())
                            .as("the final (text) row of layer %d's input is layer %d's output: DeepStack adds nothing there", l + 1, l)
                            .containsExactly(trace.layers().get(l).residPost().toFloatArray());
                }
                assertThat(maxDiff(trace.layers().get(2).residPost().toFloatArray(), Arrays.copyOfRange(resid, 2 * d, 3 * d)))
                        .as("layer 2's output with DeepStack equals transformers'").isLessThanOrEqualTo(TOLERANCE * 10);
            }
            PreparedPrompt withoutDeepStack = new PreparedPrompt(prompt.tokens(), prompt.regions(), prompt.positions(),
                    prompt.embeddings(), List.of(), null);
            try (DecoderSession session = model.decoder().open(withoutDeepStack, manager, false); NDManager step = manager.newSubManager()) {
                StepTrace trace = session.prefill(step);
                assertThat(maxDiff(trace.layers().get(0).residPost().toFloatArray(), Arrays.copyOfRange(resid, 0, d)))
                        .as("layer 0 comes before any addition").isLessThanOrEqualTo(TOLERANCE * 10);
                assertThat(maxDiff(trace.layers().get(2).residPost().toFloatArray(), Arrays.copyOfRange(resid, 2 * d, 3 * d)))
                        .as("without the additions layer 2's output differs from transformers'").isGreaterThan(1e-2);
            }
        }

        ImpactAnalyzer analyzer = new ImpactAnalyzer(model, new AnalysisOptions(MaskMode.VISION, 1, VariantSet.parse("full"),
                Algorithm.EXACT, false));
        PairImpact impact = analyzer.analyze(new PairRequest("large", image, question, 1, MaskMode.VISION));
        StepImpact step = impact.steps().get(0);
        List<String> variants = ref.variants();
        int s = (int) ref.shape("large/step0/l2")[1];
        int nv = variants.size();
        float[] l2 = ref.floats("large/step0/l2");
        float[] cosine = ref.floats("large/step0/cosine");
        int full = variants.indexOf("Full");
        assertThat(step.rowCount()).as("Full rows of every image token at every layer").isEqualTo(3 * impact.regions().get(0).tokenCount());
        for (int r = 0; r < step.rowCount(); r++) {
            int at = (step.layer()[r] * s + step.position()[r]) * nv + full;
            String where = "Full, layer " + step.layer()[r] + ", image token " + step.position()[r];
            assertThat((double) Math.abs(step.l2()[r] - l2[at])).as("%s: l2 %s vs transformers' %s", where, step.l2()[r], l2[at])
                    .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(l2[at])));
            assertThat((double) Math.abs(step.cosine()[r] - cosine[at])).as("%s: cosine %s vs transformers' %s", where, step.cosine()[r], cosine[at])
                    .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(cosine[at])));
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
