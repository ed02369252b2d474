package io.maskimpact.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.analysis.Algorithm;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.EffectOptions;
import io.maskimpact.analysis.StepEffects;
import io.maskimpact.analysis.GreedyDecoder;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.input.PairRejection;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.input.ImageLoader;
import io.maskimpact.input.PairRejection;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.Vlm;
import org.apache.hadoop.conf.Configuration;

import io.maskimpact.input.PixelImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the engine on a reference dump's pairs and compares it with transformers stage by stage:
 * pixel values, input ids, each decoder layer's output and the logits at the final position of
 * every step, the greedy tokens and their probabilities, the answer, every row of the original
 * masking algorithm (every key position, every variant, exact closed form), and the output effects
 * of hiding each key position at every layer and at the dump's window of layers.
 *
 * <p>Images are read by the job's own {@link ImageLoader}, as a run reads them.
 *
 * <pre>
 * ParityReport r = ParityCheck.run(model, ReferenceDump.read(dir), manifestDir, Integer.MAX_VALUE);
 * System.out.print(r.format());
 * </pre>
 */
public final class ParityCheck {

    private ParityCheck() {
    }

    /**
     * @param model the engine's model of the dump's checkpoint
     * @param dump the reference
     * @param manifestDir the folder the dump's image paths are relative to
     * @param maxPairs compare at most this many pairs
     * @return the differences
     * @throws ModelLoadException when the dump lacks a tensor it should hold
     */
    public static ParityReport run(Vlm model, ReferenceDump dump, Path manifestDir, int maxPairs) throws ModelLoadException {
        ParityReport report = new ParityReport();
        ImageLoader images = new ImageLoader(new Configuration(), ImageLoader.DEFAULT_MAX_BYTES, ImageLoader.DEFAULT_MAX_PIXELS);
        AnalysisOptions options = new AnalysisOptions(MaskMode.BOTH, dump.maxNewTokens(), new VariantSet(true, true, true, true),
                Algorithm.EXACT, true, new EffectOptions(true, 0, -1, 1));
        ImpactAnalyzer analyzer = new ImpactAnalyzer(model, options);
        int[] window = dump.effectLayers();
        // the windowed effects need no impact rows beyond the cheapest variant
        ImpactAnalyzer windowed = new ImpactAnalyzer(model, new AnalysisOptions(MaskMode.BOTH, dump.maxNewTokens(),
                new VariantSet(false, true, false, false), Algorithm.EXACT, true, new EffectOptions(true, window[0], window[1], 1)));
        for (ReferenceDump.Pair pair : dump.pairs().subList(0, Math.min(maxPairs, dump.pairs().size()))) {
            String id = pair.pairId();
            PixelImage image;
            try {
                image = images.load(id, manifestDir.resolve(pair.image()).toUri().toString());
            } catch (PairRejection e) {
                report.equal("image", id, "unreadable: " + e.getMessage(), "read");
                continue;
            }
            try (NDManager manager = model.manager().newSubManager()) {
                report.numbers("pixel_values", id, model.prompts().pixelValues(image, manager).toFloatArray(),
                        dump.tensor(id + "/pixel_values", manager).toFloatArray());
                PreparedPrompt prompt = model.prompts().prepare(image, pair.question(), manager);
                int[] ids = prompt.tokens().stream().mapToInt(TokenInfo::tokenId).toArray();
                report.equal("input_ids", id, Arrays.toString(ids), Arrays.toString(pair.inputIds()));
                compareForward(report, model, dump, pair, prompt, manager);
                PairRequest request = new PairRequest(id, image, pair.question(), dump.maxNewTokens(), MaskMode.BOTH);
                PairImpact impact = analyzer.analyze(request);
                compareRows(report, impact, dump, manager);
                compareEffects(report, impact, dump, "effects", "effects", manager);
                compareEffects(report, windowed.analyze(request), dump, "effects " + window[0] + "-" + window[1],
                        "effects_window", manager);
            } catch (PromptException e) {
                report.equal("prompt", id, "failed: " + e.getMessage(), "built");
            } catch (PairRejection e) {
                report.equal("rows", id, "failed: " + e.getMessage(), "analysed");
            }
        }
        return report;
    }

    /** Greedy decoding with a KV cache: each layer's output and the logits at every step, the tokens, the answer. */
    private static void compareForward(ParityReport report, Vlm model, ReferenceDump dump, ReferenceDump.Pair pair,
                                       PreparedPrompt prompt, NDManager manager) throws ModelLoadException {
        String id = pair.pairId();
        List<float[]> residPost = new ArrayList<>();
        List<float[]> logits = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<Float> probs = new ArrayList<>();
        GreedyDecoder.Result result;
        try (DecoderSession session = model.decoder().open(prompt, manager, false)) {
            result = GreedyDecoder.run(model.vocabulary(), session, prompt, dump.maxNewTokens(), manager,
                    (step, trace, sequence, predicted, prob, stepManager) -> {
                        NDArray layers = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(
                                trace.layers().stream().map(l -> l.residPost()).toList()));       // (L, d)
                        residPost.add(layers.toFloatArray());
                        logits.add(trace.logits().toFloatArray());
                        tokens.add(predicted);
                        probs.add(prob);
                    });
        }
        report.equal("greedy_tokens", id, tokens.toString(), Arrays.toString(pair.generated()));
        for (int t = 0; t < Math.min(tokens.size(), pair.generated().length); t++) {
            String where = id + "/step" + t;
            report.numbers("resid_post", where, residPost.get(t), dump.tensor(where + "/resid_post", manager).toFloatArray());
            report.numbers("logits", where, logits.get(t), dump.tensor(where + "/logits", manager).toFloatArray());
            report.numbers("greedy_probs", where, new float[] {probs.get(t)}, new float[] {pair.generatedProbs()[t]});
        }
        report.equal("answer", id, model.vocabulary().decode(result.answer()), pair.answer());
    }

    /** Every engine row against the reference's (L, S, NV) arrays, grouped by kind of variant. */
    private static void compareRows(ParityReport report, PairImpact impact, ReferenceDump dump, NDManager manager)
            throws ModelLoadException {
        String id = impact.pairId();
        List<String> names = impact.variantNames();
        int[] referenceVariant = names.stream().mapToInt(dump.variants()::indexOf).toArray();
        int nv = dump.variants().size();
        for (StepImpact step : impact.steps()) {
            String where = id + "/step" + step.step();
            if (!dump.has(where + "/l2")) {
                report.equal("row_steps", where, "computed", "absent from the reference");
                continue;
            }
            NDArray l2 = dump.tensor(where + "/l2", manager);                 // (L, S, NV)
            int s = (int) l2.getShape().get(1);
            float[] refL2 = l2.toFloatArray();
            float[] refCos = dump.tensor(where + "/cosine", manager).toFloatArray();
            report.equal("row_count", where, String.valueOf(step.rowCount()), String.valueOf(refL2.length));
            for (int i = 0; i < step.rowCount(); i++) {
                int v = referenceVariant[step.variant()[i]];
                int at = (step.layer()[i] * s + step.position()[i]) * nv + v;
                String stage = "rows " + kind(names.get(step.variant()[i]));
                String row = where + "/layer" + step.layer()[i] + "/key" + step.position()[i] + "/" + names.get(step.variant()[i]);
                report.numbers(stage + " l2", row, new float[] {step.l2()[i]}, new float[] {refL2[at]});
                report.numbers(stage + " cosine", row, new float[] {step.cosine()[i]}, new float[] {refCos[at]});
            }
        }
    }

    /** Every unit's effects against the reference's (S, 5) rows of the same step. */
    private static void compareEffects(ParityReport report, PairImpact impact, ReferenceDump dump, String stage,
                                       String tensor, NDManager manager) throws ModelLoadException {
        for (StepImpact step : impact.steps()) {
            String where = impact.pairId() + "/step" + step.step();
            StepEffects e = step.effects();
            float[] ref = dump.tensor(where + "/" + tensor, manager).toFloatArray();   // (S, 5)
            int columns = ReferenceDump.EFFECT_COLUMNS.size();
            report.equal(stage + " row_count", where, String.valueOf(e.rowCount()), String.valueOf(ref.length / columns));
            for (int i = 0; i < e.rowCount(); i++) {
                int at = e.position()[i] * columns;
                String row = where + "/key" + e.position()[i];
                report.numbers(stage + " kl_divergence", row, new float[] {e.klDivergence()[i]}, new float[] {ref[at]});
                report.numbers(stage + " prob_drop", row, new float[] {e.probDrop()[i]}, new float[] {ref[at + 1]});
                report.numbers(stage + " logit_diff", row, new float[] {e.logitDiff()[i]}, new float[] {ref[at + 2]});
                report.equal(stage + " greedy_rank", row, String.valueOf(e.greedyRank()[i]), String.valueOf((int) ref[at + 3]));
                report.equal(stage + " masked_top1", row, String.valueOf(e.maskedTop1()[i]), String.valueOf((int) ref[at + 4]));
            }
        }
    }

    private static String kind(String variant) {
        return variant.startsWith("AttnWeight") ? "AttnWeight" : variant.startsWith("Head_") ? "Head" : variant;
    }
}
