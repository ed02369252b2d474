package io.maskimpact.family.gemma3;

import ai.djl.ndarray.NDManager;
import io.maskimpact.analysis.Algorithm;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.family.TinyModels;
import io.maskimpact.input.PixelImage;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.LayerInternals;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.StepTrace;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gemma 3's two attention rules on the parity checkpoint (layers [sliding, global, sliding, sliding], window 12,
 * 16 image tokens; ParityTest shows the numbers equal transformers'):
 * <ul>
 *   <li>the image's soft tokens form one bidirectional block in the prefill, and it matters: without it, the
 *       image rows change at layer 0 and every later layer's output at the final position differs;
 *   <li>at a sliding layer a key {@code window} or more positions before the final one is invisible to it: the
 *       session says so ({@code firstVisibleKey}), and its rows hold L2 distance 0 in every variant (cosine
 *       distance: the rounding of 1 - x.x / |x|^2, below 1e-6), while the global layer gives such keys non-zero
 *       distances.
 * </ul>
 */
class Gemma3AttentionTest {
    private static final String MODEL = "parity/gemma3";
    private static final int WINDOW = 12;
    private static final int[] SLIDING = {0, 2, 3};
    private static final int GLOBAL = 1;
    private static final PixelImage IMAGE = TinyModels.parityImage("wide_101x37.png");
    private static final String QUESTION = "What is in the image?";

    @Test
    void theImageIsOneBidirectionalBlockAndItMatters() throws Exception {
        Vlm model = TinyModels.get(MODEL);
        try (NDManager manager = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(IMAGE, QUESTION, manager);
            ImageRegion region = prompt.regions().get(0);
            int[] blocks = prompt.attentionBlocks();
            for (int i = 0; i < prompt.length(); i++) {
                boolean image = i >= region.firstToken() && i < region.firstToken() + region.tokenCount();
                assertThat(blocks[i]).as("block of position %d", i).isEqualTo(image ? 0 : -1);
            }
            PreparedPrompt causal = new PreparedPrompt(prompt.tokens(), prompt.regions(), prompt.positions(),
                    prompt.embeddings(), prompt.residualAdditions(), null);
            float[][] with = finalOutputs(model, prompt, manager);
            float[][] without = finalOutputs(model, causal, manager);
            assertThat(with[0]).as("layer 0 at the final position reads only the embeddings").containsExactly(without[0]);
            for (int l = 1; l < with.length; l++) {
                assertThat(maxDiff(with[l], without[l])).as("layer %d without the bidirectional block", l).isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void keysOutsideAWindowHaveZeroRowsAtSlidingLayers() throws Exception {
        Vlm model = TinyModels.get(MODEL);
        try (NDManager manager = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(IMAGE, QUESTION, manager);
            try (DecoderSession session = model.decoder().open(prompt, manager, false); NDManager step = manager.newSubManager()) {
                session.prefill(step);
                LayerInternals internals = (LayerInternals) session;
                for (int layer : SLIDING) {
                    assertThat(internals.firstVisibleKey(layer)).isEqualTo(prompt.length() - WINDOW);
                }
                assertThat(internals.firstVisibleKey(GLOBAL)).isZero();
            }
        }
        AnalysisOptions options = new AnalysisOptions(MaskMode.BOTH, 2, VariantSet.parse("all"), Algorithm.EXACT, true);
        PairImpact impact = new ImpactAnalyzer(model, options).analyze(new PairRequest("wide", IMAGE, QUESTION, 2, MaskMode.BOTH));
        int outside = 0;
        boolean globalSeesThem = false;
        for (StepImpact s : impact.steps()) {
            int firstVisible = s.sequenceLength() - WINDOW;
            for (int r = 0; r < s.rowCount(); r++) {
                if (s.position()[r] >= firstVisible) {
                    continue;
                }
                if (s.layer()[r] == GLOBAL) {
                    globalSeesThem |= s.l2()[r] > 0;
                    continue;
                }
                assertThat(s.l2()[r]).as("l2, step %d, layer %d, key %d", s.step(), s.layer()[r], s.position()[r]).isZero();
                // the same vector on both sides: cosine distance is float32 rounding of 1 - x.x / |x|^2, as in transformers
                assertThat(s.cosine()[r]).as("cosine, step %d, layer %d, key %d", s.step(), s.layer()[r], s.position()[r])
                        .isLessThan(1e-6f);
                outside++;
            }
        }
        assertThat(outside).as("rows of keys outside the window at sliding layers").isGreaterThan(100);
        assertThat(globalSeesThem).as("the global layer gives those keys non-zero distances").isTrue();
    }

    /** Each layer's output at the final position after the prefill, (L)(d). */
    private static float[][] finalOutputs(Vlm model, PreparedPrompt prompt, NDManager manager) {
        try (DecoderSession session = model.decoder().open(prompt, manager, false); NDManager step = manager.newSubManager()) {
            StepTrace trace = session.prefill(step);
            float[][] out = new float[trace.layers().size()][];
            for (int l = 0; l < out.length; l++) {
                out[l] = trace.layers().get(l).residPost().toFloatArray();
            }
            return out;
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
