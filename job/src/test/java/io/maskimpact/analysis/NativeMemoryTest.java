package io.maskimpact.analysis;

import io.maskimpact.input.PairRejection;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-pair native memory is released: the model manager's array count stays flat over pairs. */
class NativeMemoryTest {

    @Test
    void managedArraysStayFlatAcrossPairs() throws PairRejection {
        Vlm model = TinyModels.get(TinyModels.LLAVA);
        for (Algorithm algorithm : Algorithm.values()) {
            ImpactAnalyzer analyzer = new ImpactAnalyzer(model,
                    new AnalysisOptions(MaskMode.BOTH, 3, VariantSet.parse("all"), algorithm, false));
            analyzer.analyze(TinyModels.toyRequest(3, 0, 3, MaskMode.BOTH));
            int afterFirst = model.manager().getManagedArrays().size();
            for (int i = 1; i <= 8; i++) {
                analyzer.analyze(TinyModels.toyRequest(3, i, 3, MaskMode.BOTH));
            }
            assertThat(model.manager().getManagedArrays().size())
                    .as("arrays on the model manager after 9 pairs (%s) vs after 1", algorithm).isEqualTo(afterFirst);
        }
    }
}
