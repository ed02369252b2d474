package io.maskimpact.run;

import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.PairAnalyzer;
import io.maskimpact.model.DecoderShape;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.VlmModel;
import io.maskimpact.model.VlmModels;
import java.nio.file.Path;

/**
 * The job's model backend: {@link VlmModels} loads the Hugging Face folder on DJL and each task
 * gets an {@link ImpactAnalyzer} over the shared {@link VlmModel}.
 */
public final class VlmBackend implements ModelBackend {

    @Override
    public boolean accepts(Path modelDir) {
        return true;
    }

    @Override
    public LoadedModel load(Path modelDir, String device) throws ModelLoadException {
        VlmModel model = VlmModels.load(modelDir, device);
        return new LoadedModel() {
            @Override
            public String name() {
                return model.name();
            }

            @Override
            public String describe() {
                DecoderShape s = model.shape();
                return model.name() + " (" + s.numLayers() + " layers, " + s.numHeads() + " heads)";
            }

            @Override
            public int numLayers() {
                return model.shape().numLayers();
            }

            @Override
            public int numHeads() {
                return model.shape().numHeads();
            }

            @Override
            public PairAnalyzer newAnalyzer(AnalysisOptions options) {
                return new ImpactAnalyzer(model, options);
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }
}
