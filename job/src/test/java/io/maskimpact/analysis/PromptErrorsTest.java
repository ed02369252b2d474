package io.maskimpact.analysis;

import io.maskimpact.input.PairRejection;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pairs the real tiny model cannot take become PairRejections with the errors table's stage. */
class PromptErrorsTest {

    private static PairRequest withQuestion(String question, int maxNewTokens) {
        PairRequest toy = TinyModels.toyRequest(11, 0, maxNewTokens, MaskMode.BOTH);
        return new PairRequest(toy.pairId(), toy.image(), question, maxNewTokens, MaskMode.BOTH);
    }

    @Test
    void questionLongerThanTheContextIsAPromptError() {
        Vlm model = TinyModels.get(TinyModels.LLAVA);
        ImpactAnalyzer analyzer = new ImpactAnalyzer(model, AnalysisOptions.defaults());
        String longQuestion = "what colour is the circle ".repeat(60).strip() + "?";   // ~300 tokens > 256 positions
        assertThatThrownBy(() -> analyzer.analyze(withQuestion(longQuestion, 3)))
                .isInstanceOfSatisfying(PairRejection.class, e -> {
                    assertThat(e.stage()).isEqualTo("prompt");
                    assertThat(e.getMessage()).contains("exceeds the model's context of " + model.shape().maxPositions())
                            .contains("shorten the question");
                });
    }

    @Test
    void blankQuestionIsAPromptError() {
        ImpactAnalyzer analyzer = new ImpactAnalyzer(TinyModels.get(TinyModels.LLAVA), AnalysisOptions.defaults());
        assertThatThrownBy(() -> analyzer.analyze(withQuestion("  \t", 3)))
                .isInstanceOfSatisfying(PairRejection.class, e -> assertThat(e.stage()).isEqualTo("prompt"));
    }

    @Test
    void questionHoldingTheImagePlaceholderIsAPromptError() {
        ImpactAnalyzer analyzer = new ImpactAnalyzer(TinyModels.get(TinyModels.LLAVA), AnalysisOptions.defaults());
        assertThatThrownBy(() -> analyzer.analyze(withQuestion("what colour is <image> the circle?", 3)))
                .isInstanceOfSatisfying(PairRejection.class, e -> {
                    assertThat(e.stage()).isEqualTo("prompt");
                    assertThat(e.getMessage()).contains("more than one image placeholder");
                });
    }
}
