package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link io.maskimpact.model.DecoderSession#logitsHiding}, which re-runs only from the first position
 * a hidden key can reach, against the same re-run over the whole sequence (from position 0, no cache):
 * for causal attention, for a bidirectional image block (Gemma 3's kind), with residual additions
 * (Qwen3-VL's DeepStack kind), batched and alone, at every layer and at a window of layers.
 */
class HidingRerunTest {
    private static final float TOLERANCE = 2e-5f;

    private final Vlm model = TinyModels.get(TinyModels.LLAVA);

    @Test
    void causalRerunFromTheUnitMatchesAWholeRerun() {
        check(p -> p, 2, false);
    }

    @Test
    void bidirectionalImageBlockIsRecomputedFromItsStart() {
        Function<PreparedPrompt, PreparedPrompt> blocks = p -> {
            int[] ids = new int[p.length()];
            Arrays.fill(ids, -1);
            ImageRegion r = p.regions().get(0);
            Arrays.fill(ids, r.firstToken(), r.firstToken() + r.gridRows() * r.gridCols(), 0);
            return new PreparedPrompt(p.tokens(), p.regions(), p.positions(), p.embeddings(), p.residualAdditions(), ids);
        };
        check(blocks, 1, false);
        // the check can fail: re-running from the hidden cell alone misses the cells before it, which see it
        try (NDManager pair = model.manager().newSubManager()) {
            PreparedPrompt prompt = blocks.apply(prepare(pair));
            ImageRegion r = prompt.regions().get(0);
            int lastCell = r.firstToken() + r.gridRows() * r.gridCols() - 1;
            int layers = ((TextDecoder) model.decoder()).config().numLayers();
            try (TextDecoderSession session = open(prompt, pair, false)) {
                session.prefill(pair);
                int[][] hidden = {{lastCell}};
                float diff = maxDiff(session.rerunFrom(lastCell, hidden, 0, layers - 1, pair),
                        session.rerunFrom(0, hidden, 0, layers - 1, pair));
                assertThat(diff).as("a re-run from the hidden cell itself, in a bidirectional block, is wrong")
                        .isGreaterThan(10 * TOLERANCE);
            }
        }
    }

    @Test
    void residualAdditionsApplyToPromptRowsOnly() {
        check(p -> {
            NDManager m = p.embeddings().getManager();
            List<NDArray> additions = new ArrayList<>();
            additions.add(m.randomNormal(p.embeddings().getShape()).mul(0.5f));
            additions.add(null);
            additions.add(m.randomNormal(p.embeddings().getShape()).mul(0.5f));
            return new PreparedPrompt(p.tokens(), p.regions(), p.positions(), p.embeddings(), additions, p.attentionBlocks());
        }, 2, false);
    }

    @Test
    void layerWindowStartsAtItsFirstLayerWhenInputsAreKept() {
        check(p -> p, 1, true);
    }

    /** At steps 0..steps, hides units at all layers and at a window, compares with the whole re-run. */
    private void check(Function<PreparedPrompt, PreparedPrompt> variant, int steps, boolean keepInputs) {
        int layers = ((TextDecoder) model.decoder()).config().numLayers();
        try (NDManager pair = model.manager().newSubManager()) {
            PreparedPrompt prompt = variant.apply(prepare(pair));
            int middle = middleOfImage(prompt);
            try (TextDecoderSession session = open(prompt, pair, keepInputs)) {
                NDArray logits = session.prefill(pair).logits();
                for (int step = 0; step <= steps; step++) {
                    if (step > 0) {
                        logits = session.next((int) logits.argMax().getLong(), pair).logits();
                    }
                    int last = session.length() - 1;
                    int[][] hidden = {{middle}, {middle + 1, middle + 2}, {prompt.length() - 2}, {last}};
                    for (int[] window : new int[][] {{0, layers - 1}, {1, 1}}) {
                        NDArray batched = session.logitsHiding(hidden, window[0], window[1], pair);
                        NDArray whole = session.rerunFrom(0, hidden, window[0], window[1], pair);
                        assertThat(maxDiff(batched, whole)).as("step %d, layers %s: cached re-run vs whole re-run", step,
                                Arrays.toString(window)).isLessThan(TOLERANCE);
                        for (int e = 0; e < hidden.length; e++) {
                            NDArray alone = session.logitsHiding(new int[][] {hidden[e]}, window[0], window[1], pair);
                            assertThat(maxDiff(alone, whole.get(e + ":" + (e + 1)))).as("entry %d alone vs batched", e)
                                    .isLessThan(TOLERANCE);
                        }
                        assertThat(maxDiff(whole.get("0:1"), logits.expandDims(0)))
                                .as("hiding an image cell changes the logits").isGreaterThan(1e-6f);
                    }
                }
            }
        }
    }

    private PreparedPrompt prepare(NDManager pair) {
        PairRequest request = TinyModels.toyRequest(20261125L, 3, 3, MaskMode.BOTH);
        try {
            return model.prompts().prepare(request.image(), request.question(), pair);
        } catch (io.maskimpact.model.PromptException e) {
            throw new IllegalStateException(e);
        }
    }

    private TextDecoderSession open(PreparedPrompt prompt, NDManager pair, boolean keepInputs) {
        return (TextDecoderSession) model.decoder().open(prompt, pair, keepInputs);
    }

    private static int middleOfImage(PreparedPrompt p) {
        ImageRegion r = p.regions().get(0);
        return r.firstToken() + r.gridRows() * r.gridCols() / 2;
    }

    private static float maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
