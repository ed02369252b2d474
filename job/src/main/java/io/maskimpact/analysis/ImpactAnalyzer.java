package io.maskimpact.analysis;

import io.maskimpact.input.PairRejection;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.DecoderShape;
import io.maskimpact.model.LayerTrace;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.StepTrace;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.Vlm;

import java.util.ArrayList;
import java.util.List;

/**
 * The analysis of one pair: greedy generation with a KV cache (one prefill, then one token per
 * step) and, at every step and decoder layer, the impact of hiding each maskable token.
 *
 * <p>Step t's sequence is the prompt plus the first t greedy tokens; its final position predicts
 * token t+1. Steps run until {@code maxNewTokens} tokens are generated or a stop token is
 * predicted (that step is still measured). Masking is local to one layer: the masked layer's
 * output is never propagated.
 *
 * <p>Memory: each pair gets a child of the model's manager, each step a child of that; only Java
 * arrays leave a step. Not thread-safe: one per task.
 */
public final class ImpactAnalyzer implements PairAnalyzer {
    private final Vlm model;
    private final AnalysisOptions options;
    private final LayerMasking masking;
    private final List<String> variantNames;
    private final OutputEffects effects;       // null unless --effects

    /**
     * @param model the shared model of this JVM
     * @param options what to measure
     */
    public ImpactAnalyzer(Vlm model, AnalysisOptions options) {
        this.model = model;
        this.options = options;
        this.masking = LayerMasking.of(options.algorithm(), options.variants());
        this.variantNames = options.variants().names(model.shape().numHeads());
        this.effects = options.effects().enabled()
                ? new OutputEffects(options.effects(), model.vocabulary(), model.shape().numLayers()) : null;
    }

    @Override
    public String modelName() {
        return model.name();
    }

    /** @return the variant names, in index order */
    public List<String> variantNames() {
        return variantNames;
    }

    @Override
    public PairImpact analyze(PairRequest request) throws PairRejection {
        String id = request.pairId();
        if (request.question() == null || request.question().isBlank()) {
            throw new PairRejection(id, "prompt", "Cannot analyze pair " + id + ": the question is empty (give every pair a question)", null);
        }
        try (NDManager pair = model.manager().newSubManager()) {
            PreparedPrompt prompt;
            try {
                prompt = model.prompts().prepare(request.image(), request.question(), pair);
            } catch (PromptException e) {
                throw new PairRejection(id, "prompt", "Cannot analyze pair " + id + ": " + e.getMessage(), e);
            }
            DecoderShape shape = model.shape();
            int needed = prompt.tokens().size() + request.maxNewTokens();
            if (needed > shape.maxPositions()) {
                throw new PairRejection(id, "prompt", "Cannot analyze pair " + id + ": prompt of " + prompt.tokens().size()
                        + " tokens plus " + request.maxNewTokens() + " new tokens exceeds the model's context of "
                        + shape.maxPositions() + " (shorten the question or lower max_new_tokens)", null);
            }
            // the naive re-run needs every layer's input; effects from a later layer start at its input
            boolean keepLayerInputs = options.algorithm() == Algorithm.NAIVE
                    || (effects != null && options.effects().firstLayer() > 0);
            try (DecoderSession session = model.decoder().open(prompt, pair, keepLayerInputs)) {
                return generate(request, prompt, session, pair);
            }
        } catch (RuntimeException e) {
            throw new PairRejection(id, "analysis", "Cannot analyze pair " + id + ": the model failed ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private PairImpact generate(PairRequest request, PreparedPrompt prompt, DecoderSession session, NDManager pair) {
        List<StepImpact> steps = new ArrayList<>();
        GreedyDecoder.Result result = GreedyDecoder.run(model.vocabulary(), session, prompt, request.maxNewTokens(), pair,
                (step, trace, sequence, predicted, prob, stepManager) -> steps.add(
                        measure(step, session, trace, sequence, request.maskMode(), predicted, prob, stepManager)));
        return new PairImpact(request.pairId(), result.tokens(), prompt.tokens().size(), prompt.regions(),
                model.vocabulary().decode(result.answer()), variantNames, model.shape().numLayers(), List.copyOf(steps));
    }

    private StepImpact measure(int step, DecoderSession session, StepTrace trace, List<TokenInfo> tokens, MaskMode mode,
                               int predicted, float predictedProb, NDManager stepManager) {
        int[] positions = maskable(tokens, mode);
        int layers = trace.layers().size();
        int heads = model.shape().numHeads();
        RowBuffer rows = new RowBuffer(layers * positions.length * variantNames.size());
        for (int layer = 0; layer < layers && positions.length > 0; layer++) {
            try (NDManager layerManager = stepManager.newSubManager()) {
                LayerTrace lt = trace.layers().get(layer);
                LayerOutputs out = masking.compute(session, layer, lt, positions, layerManager);
                rows.addLayer(layer, positions, heads, options.variants(), out, lt);
            }
        }
        StepEffects stepEffects = effects == null ? null
                : effects.measure(session, tokens, positions, trace.logits().toFloatArray(), predicted, stepManager);
        return new StepImpact(step, session.length(), predicted, model.vocabulary().tokenText(predicted), predictedProb,
                rows.layer, rows.position, rows.variant, rows.l2, rows.cosine, stepEffects);
    }

    private int[] maskable(List<TokenInfo> tokens, MaskMode mode) {
        return java.util.stream.IntStream.range(0, tokens.size())
                .filter(i -> mode.masks(tokens.get(i).kind(), options.maskSpecial())).toArray();
    }

    @Override
    public void close() {
        // Per-pair state is released after each pair; the model belongs to the executor's cache.
    }

    /** Rows of one step, filled layer by layer into preallocated columns. */
    private static final class RowBuffer {
        final int[] layer;
        final int[] position;
        final short[] variant;
        final float[] l2;
        final float[] cosine;
        private int size;

        RowBuffer(int capacity) {
            layer = new int[capacity];
            position = new int[capacity];
            variant = new short[capacity];
            l2 = new float[capacity];
            cosine = new float[capacity];
        }

        /** Rows ordered by position, then variant index (the order of {@link VariantSet#names}). */
        void addLayer(int layerIndex, int[] positions, int heads, VariantSet variants, LayerOutputs out, LayerTrace trace) {
            int p = positions.length;
            float[] fullL2 = variants.full() ? Distances.l2(out.maskedFull(), out.baseFull()).toFloatArray() : null;
            float[] fullCos = variants.full() ? Distances.cosine(out.maskedFull(), out.baseFull()).toFloatArray() : null;
            float[] attnL2 = variants.attn() ? Distances.l2(out.maskedAttn(), out.baseAttn()).toFloatArray() : null;
            float[] attnCos = variants.attn() ? Distances.cosine(out.maskedAttn(), out.baseAttn()).toFloatArray() : null;
            float[] headL2 = variants.heads() ? Distances.l2(out.maskedHeads(), out.baseHeads()).toFloatArray() : null;     // (P, H)
            float[] headCos = variants.heads() ? Distances.cosine(out.maskedHeads(), out.baseHeads()).toFloatArray() : null;
            float[] weights = variants.attnWeights()
                    ? trace.probs().get(new ai.djl.ndarray.index.NDIndex(":, {}", io.maskimpact.model.Indexes.of(
                            trace.probs().getManager(), positions))).transpose().toFloatArray() : null;   // (P, H)
            for (int i = 0; i < p; i++) {
                short v = 0;
                if (fullL2 != null) {
                    add(layerIndex, positions[i], v++, fullL2[i], fullCos[i]);
                }
                if (attnL2 != null) {
                    add(layerIndex, positions[i], v++, attnL2[i], attnCos[i]);
                }
                if (headL2 != null) {
                    for (int h = 0; h < heads; h++) {
                        add(layerIndex, positions[i], v++, headL2[i * heads + h], headCos[i * heads + h]);
                    }
                }
                if (weights != null) {
                    // Attention weights are not distances: both columns hold the weight.
                    float sum = 0;
                    for (int h = 0; h < heads; h++) {
                        float w = weights[i * heads + h];
                        sum += w;
                        add(layerIndex, positions[i], v++, w, w);
                    }
                    add(layerIndex, positions[i], v, sum / heads, sum / heads);
                }
            }
        }

        private void add(int layerIndex, int pos, short variantIndex, float l2Value, float cosValue) {
            layer[size] = layerIndex;
            position[size] = pos;
            variant[size] = variantIndex;
            l2[size] = l2Value;
            cosine[size] = cosValue;
            size++;
        }
    }
}
