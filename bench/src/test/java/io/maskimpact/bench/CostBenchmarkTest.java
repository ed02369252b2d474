package io.maskimpact.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.analysis.VariantSet;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.Vlm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cost benchmark measures what it says, on the shipped tiny model (no time is asserted). */
class CostBenchmarkTest {

    @Test
    void measuresTheFullAnalysisAgainstPlainGeneration() throws Exception {
        Vlm model = TinyModels.get(TinyModels.LLAVA);
        CostBenchmark.Result r = CostBenchmark.run(model, TinyModels.LLAVA, 2, 3, CostBenchmark.ALL_VARIANTS, 0);
        assertThat(r.pairs()).isEqualTo(2);
        assertThat(r.steps()).isBetween(1, 3);
        assertThat(r.tokens()).as("mode both masks the image's tokens and the question's").isGreaterThan(36);
        int variants = VariantSet.parse("all").names(model.shape().numHeads()).size();
        assertThat(r.rowsPerPair()).as("every layer, every variant, every masked token, every step")
                .isGreaterThanOrEqualTo((double) model.shape().numLayers() * variants * r.tokens());
        assertThat(r.prepare()).isPositive();
        assertThat(r.generate()).isPositive();
        assertThat(r.analyze()).isPositive();
        assertThat(r.generateCpu()).isPositive();
        assertThat(r.analyzeCpu()).isPositive();
        assertThat(r.effects()).isFalse();
    }

    @Test
    void withEffectsTheAnalysisHidesEveryUnit() throws Exception {
        CostBenchmark.Result r = CostBenchmark.run(TinyModels.get(TinyModels.LLAVA), TinyModels.LLAVA, 2, 3, "attn", 0, true);
        assertThat(r.effects()).isTrue();
        assertThat(r.effectRowsPerPair()).as("one row per masked token and step").isGreaterThanOrEqualTo(r.tokens());
        assertThat(CostBenchmark.markdown(List.of(r), "cmd")).contains("| tiny-llava | attn | all layers |");
    }

    @Test
    void theGoalIsStatedForTheIssuesAnalysis() {
        assertThat(CostBenchmark.analysis(5, CostBenchmark.ALL_VARIANTS).variants()).isEqualTo(VariantSet.parse("all"));
        assertThat(CostBenchmark.analysis(5, CostBenchmark.ALL_VARIANTS).maxNewTokens()).isEqualTo(5);
        CostBenchmark.Result r = new CostBenchmark.Result("m", "all", 1, 5, 40, 1000, 0.1, 0.3, 0.9, 0.1, 0.3, 0.6, 2.5, 900, 1200);
        CostBenchmark.Result without = new CostBenchmark.Result("m", "attn,heads", 1, 5, 40, 1000, 0.1, 0.3, 0.9, 0.1, 0.3, 0.6, 2.5, 900, 1200);
        assertThat(r.ratio()).isEqualTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.ratioCpu()).isEqualTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.ratioCpuWithoutPrepare()).isEqualTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
        String md = CostBenchmark.markdown(List.of(r, without), "./submit.sh bench cost");
        assertThat(md).startsWith("## Cost: analysis vs plain generation")
                .contains("| m | all | off | 0 | 1 | 5 | 40 | 1000 |", "| 3.00x | 2.00x | 2.50x | met | 2.5 | 900 / 1200 |")
                .contains("| m | attn,heads | off | 0 | 1 | 5 | 40 | 1000 |",
                        "| 3.00x | 2.00x | 2.50x | (stated for all, no effects) |");
    }
}
