package io.maskimpact.analysis;

import io.maskimpact.input.PairRejection;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closed form gives the naive re-run's rows: identical keys, distances within 1e-4 (relative
 * to the value above 1), on each tiny checkpoint (the LLaMA one has grouped-query attention) and on
 * Qwen2-VL, Qwen2.5-VL and Qwen3-VL (3-D M-RoPE positions in both runs, Qwen3's DeepStack additions
 * in the layer inputs the naive run starts from), on Idefics3 (global image only) and SmolVLM (tiles),
 * and on Gemma 3 (sliding-window layers, whose out-of-window keys the closed form skips and the naive
 * run masks for nothing; the image's bidirectional block in both), for all three mask modes, all
 * variants, at least 3 generation steps.
 */
class ExactVsNaiveTest {
    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> cases() {
        return Stream.of(TinyModels.ALL, TinyModels.QWEN_VL, TinyModels.TILES).flatMap(List::stream)
                .flatMap(model -> Arrays.stream(MaskMode.values()).map(mode -> Arguments.of(model, mode)));
    }

    @ParameterizedTest(name = "{0}, mask mode {1}")
    @MethodSource("cases")
    void exactEqualsNaive(String modelName, MaskMode mode) throws PairRejection {
        Vlm model = TinyModels.get(modelName);
        AnalysisOptions exact = new AnalysisOptions(mode, 4, VariantSet.parse("all"), Algorithm.EXACT, false);
        ImpactAnalyzer fast = new ImpactAnalyzer(model, exact);
        ImpactAnalyzer naive = new ImpactAnalyzer(model, exact.withAlgorithm(Algorithm.NAIVE));
        double maxDiff = 0;
        long rows = 0;
        for (int pair = 0; pair < 2; pair++) {
            PairRequest request = TinyModels.toyRequest(7, pair, 4, mode);
            PairImpact a = fast.analyze(request);
            PairImpact b = naive.analyze(request);
            assertThat(a.steps()).as("steps").hasSameSizeAs(b.steps());
            assertThat(a.steps().size()).as("generation steps of %s", request.pairId()).isGreaterThanOrEqualTo(3);
            for (int s = 0; s < a.steps().size(); s++) {
                StepImpact x = a.steps().get(s);
                StepImpact y = b.steps().get(s);
                assertThat(x.rowCount()).as("rows at step %d", s).isPositive();
                assertThat(x.layer()).as("layer keys at step %d", s).isEqualTo(y.layer());
                assertThat(x.position()).as("position keys at step %d", s).isEqualTo(y.position());
                assertThat(x.variant()).as("variant keys at step %d", s).isEqualTo(y.variant());
                assertThat(x.predictedTokenId()).as("greedy token at step %d", s).isEqualTo(y.predictedTokenId());
                for (int r = 0; r < x.rowCount(); r++) {
                    maxDiff = Math.max(maxDiff, check(x.l2()[r], y.l2()[r], "l2", s, x, r));
                    maxDiff = Math.max(maxDiff, check(x.cosine()[r], y.cosine()[r], "cosine", s, x, r));
                }
                rows += x.rowCount();
            }
        }
        System.out.printf("exact vs naive, %s, %s: %d rows, max abs diff %.3e%n", modelName, mode, rows, maxDiff);
    }

    private static double check(float exact, float naive, String column, int step, StepImpact x, int r) {
        double diff = Math.abs(exact - naive);
        assertThat(diff).as("%s at step %d, layer %d, position %d, variant %d: exact %s vs naive %s",
                column, step, x.layer()[r], x.position()[r], x.variant()[r], exact, naive)
                .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(naive)));
        return diff;
    }
}
