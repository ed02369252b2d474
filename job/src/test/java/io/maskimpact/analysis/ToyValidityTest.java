package io.maskimpact.analysis;

import io.maskimpact.input.PairRejection;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.Vlm;
import io.maskimpact.toy.ToyData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measurement finds what the trained model looks at: on held-out toy pairs, at the step that
 * predicts the colour, summing {@code Attn} L2 over layers, the asked-about shape's cell is among
 * the top-3 vision tokens for at least 90% of pairs. For each trained model, on its own grid: tiny-llava's patches,
 * tiny-qwen3-vl's merged 2x2 patches (toy images of 32-pixel cells).
 */
class ToyValidityTest {
    private static final long HELD_OUT_SEED = 20261125L;
    private static final int PAIRS = 100;

    static Stream<Arguments> trainedModels() {
        return Stream.of(Arguments.of(TinyModels.LLAVA, ToyData.DEFAULT),
                Arguments.of(TinyModels.QWEN3_VL_TOY, new ToyData.Layout(ToyData.GRID, 32)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainedModels")
    void groundTruthCellIsInTopThreeVisionTokens(String name, ToyData.Layout layout) throws PairRejection {
        Vlm model = TinyModels.get(name);
        ImpactAnalyzer analyzer = new ImpactAnalyzer(model,
                new AnalysisOptions(MaskMode.VISION, 4, VariantSet.parse("attn"), Algorithm.EXACT, false));
        int hits = 0;
        int correctAnswers = 0;
        for (int i = 0; i < PAIRS; i++) {
            ToyData.Sample sample = ToyData.sample(HELD_OUT_SEED, i, layout);
            PairImpact impact = analyzer.analyze(TinyModels.toyRequest(sample, 4, MaskMode.VISION));
            if (impact.answer().strip().equals(sample.answer())) {
                correctAnswers++;
            }
            String colour = sample.answer().substring(sample.answer().lastIndexOf(' ') + 1);
            StepImpact colourStep = impact.steps().stream()
                    .filter(s -> s.predictedText().strip().equals(colour)).findFirst().orElse(null);
            if (colourStep == null) {
                continue;   // the model did not say the colour: a miss
            }
            Map<Integer, Double> perPosition = new HashMap<>();
            for (int r = 0; r < colourStep.rowCount(); r++) {
                perPosition.merge(colourStep.position()[r], (double) colourStep.l2()[r], Double::sum);
            }
            List<Integer> top3 = perPosition.entrySet().stream()
                    .sorted(Map.Entry.<Integer, Double>comparingByValue(Comparator.reverseOrder()))
                    .limit(3).map(Map.Entry::getKey).toList();
            int[] target = sample.targetCell();
            boolean hit = IntStream.range(0, 3).anyMatch(k -> {
                TokenInfo token = impact.tokens().get(top3.get(k));
                return token.patchRow() == target[0] && token.patchCol() == target[1];
            });
            hits += hit ? 1 : 0;
        }
        System.out.printf("toy validity, %s: target cell in top-3 for %d of %d held-out pairs; answer correct for %d%n",
                name, hits, PAIRS, correctAnswers);
        assertThat(hits).as("pairs whose target cell is in the top-3 vision tokens (of %d)", PAIRS)
                .isGreaterThanOrEqualTo(PAIRS * 9 / 10);
    }
}
