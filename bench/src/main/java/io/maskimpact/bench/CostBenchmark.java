package io.maskimpact.bench;

import ai.djl.ndarray.NDManager;
import io.maskimpact.analysis.Algorithm;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.EffectOptions;
import io.maskimpact.analysis.GreedyDecoder;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.input.PairRejection;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.Vlm;
import io.maskimpact.family.Families;
import io.maskimpact.toy.ToyData;
import io.maskimpact.input.PilRgb;
import io.maskimpact.input.PixelImage;
import io.maskimpact.model.image.PilResize;
import io.maskimpact.model.image.Resampling;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * What the full analysis of a pair costs against a plain greedy generation of the same tokens,
 * on the same model, in one thread.
 *
 * <p>Full analysis = mask mode {@code both}, every layer, every variant ({@code all}), exact
 * algorithm, {@code steps} generation steps: {@link ImpactAnalyzer#analyze}. Plain generation =
 * the same prompt preparation (template, tokenizer, image preprocessing, vision tower) and
 * {@link GreedyDecoder} with a listener that does nothing, so both decode the same tokens with
 * the same KV cache. The two alternate pair by pair (so a change in machine load hits both),
 * after one warm-up pair each; the ratio is of the summed wall times. With effects on, the analysis
 * also measures the output effects of every unit at every layer ({@code --effects}).
 */
public final class CostBenchmark {
    /** The section of docs/BENCHMARKS.md this benchmark owns. */
    public static final String SECTION = "cost";
    /** The goal of issue 7: full analysis at most this many times a plain generation. */
    public static final double GOAL = 3.0;

    /**
     * One model's measurement, seconds per pair, in wall time and in the timing thread's CPU time
     * (with one intra-op thread libtorch computes in the calling thread).
     *
     * @param model the model folder's name
     * @param variants the analysed variants, as given to {@code --variants}
     * @param pairs pairs timed
     * @param steps generation steps per pair (the largest over the pairs)
     * @param tokens maskable tokens at step 0 (first timed pair)
     * @param rowsPerPair impact rows per pair (mean)
     * @param prepare prompt preparation alone, wall
     * @param generate prepare + plain greedy generation, wall
     * @param analyze the full analysis (including its own prepare and generation), wall
     * @param prepareCpu prompt preparation alone, CPU
     * @param generateCpu prepare + plain greedy generation, CPU
     * @param analyzeCpu the full analysis, CPU
     * @param loadSeconds the model's load, wall
     * @param rssAfterLoadMib the process's peak resident memory once the model was loaded
     * @param peakRssMib the process's peak resident memory at the end of the measurement
     * @param effects whether the analysis measured output effects (every layer, one token per unit)
     * @param effectRowsPerPair effects rows per pair (mean)
     */
    public record Result(String model, String variants, int pairs, int steps, int tokens, double rowsPerPair, double prepare,
                         double generate, double analyze, double prepareCpu, double generateCpu, double analyzeCpu,
                         double loadSeconds, long rssAfterLoadMib, long peakRssMib, boolean effects,
                         double effectRowsPerPair) {

        /** A measurement without output effects. */
        public Result(String model, String variants, int pairs, int steps, int tokens, double rowsPerPair, double prepare,
                      double generate, double analyze, double prepareCpu, double generateCpu, double analyzeCpu,
                      double loadSeconds, long rssAfterLoadMib, long peakRssMib) {
            this(model, variants, pairs, steps, tokens, rowsPerPair, prepare, generate, analyze, prepareCpu, generateCpu,
                    analyzeCpu, loadSeconds, rssAfterLoadMib, peakRssMib, false, 0);
        }

        /** @return full analysis / plain generation, both including prompt preparation, wall time */
        public double ratio() {
            return analyze / generate;
        }

        /** @return the same ratio in CPU time */
        public double ratioCpu() {
            return analyzeCpu / generateCpu;
        }

        /** @return the CPU ratio with prompt preparation taken out of both */
        public double ratioCpuWithoutPrepare() {
            return (analyzeCpu - prepareCpu) / (generateCpu - prepareCpu);
        }
    }

    private CostBenchmark() {
    }

    /** The variants the goal is stated for. */
    public static final String ALL_VARIANTS = "all";

    /**
     * @param steps generation steps
     * @param variants as given to {@code --variants}; {@link #ALL_VARIANTS} is the goal's analysis
     * @return mask mode both, the given variants, exact
     */
    public static AnalysisOptions analysis(int steps, String variants) {
        return new AnalysisOptions(MaskMode.BOTH, steps, VariantSet.parse(variants), Algorithm.EXACT, false);
    }

    /**
     * @param steps generation steps
     * @param variants as given to {@code --variants}
     * @param effects whether output effects are measured too (every layer, one token per unit)
     * @return mask mode both, the given variants, exact, with or without effects
     */
    public static AnalysisOptions analysis(int steps, String variants, boolean effects) {
        return analysis(steps, variants).withEffects(effects ? new EffectOptions(true, 0, -1, 1) : EffectOptions.OFF);
    }

    /**
     * @param target a model folder and the side of its images
     * @param pairs pairs to time (after one warm-up pair)
     * @param steps generation steps
     * @param variants as given to {@code --variants}
     * @return the measurement
     */
    public static Result run(EngineBenchmark.Target target, int pairs, int steps, String variants)
            throws ModelLoadException, PairRejection {
        return run(target, pairs, steps, variants, false);
    }

    /**
     * @param target a model folder and the side of its images
     * @param pairs pairs to time (after one warm-up pair)
     * @param steps generation steps
     * @param variants as given to {@code --variants}
     * @param effects whether the analysis measures output effects too
     * @return the measurement
     */
    public static Result run(EngineBenchmark.Target target, int pairs, int steps, String variants, boolean effects)
            throws ModelLoadException, PairRejection {
        long start = System.nanoTime();
        try (Vlm model = Families.load(target.dir(), "cpu", target.pixelBounds())) {
            double load = (System.nanoTime() - start) / 1e9;
            long rssAfterLoad = Machine.peakRssMib();
            Result r = run(model, target.label(), pairs, steps, variants, target.imageSide(), effects);
            return new Result(r.model(), r.variants(), r.pairs(), r.steps(), r.tokens(), r.rowsPerPair(), r.prepare(),
                    r.generate(), r.analyze(), r.prepareCpu(), r.generateCpu(), r.analyzeCpu(), load, rssAfterLoad,
                    Machine.peakRssMib(), r.effects(), r.effectRowsPerPair());
        }
    }

    /**
     * @param model a loaded model
     * @param name its name for the report
     * @param pairs pairs to time (after one warm-up pair)
     * @param steps generation steps
     * @param variants as given to {@code --variants}
     * @param imageSide 0 for the toy images as drawn, else the side they are resized to
     * @return the measurement (no load time or memory figures: -1)
     */
    public static Result run(Vlm model, String name, int pairs, int steps, String variants, int imageSide) throws PairRejection {
        return run(model, name, pairs, steps, variants, imageSide, false);
    }

    /**
     * @param model a loaded model
     * @param name its name for the report
     * @param pairs pairs to time (after one warm-up pair)
     * @param steps generation steps
     * @param variants as given to {@code --variants}
     * @param imageSide 0 for the toy images as drawn, else the side they are resized to
     * @param effects whether the analysis measures output effects too
     * @return the measurement (no load time or memory figures: -1)
     */
    public static Result run(Vlm model, String name, int pairs, int steps, String variants, int imageSide, boolean effects)
            throws PairRejection {
        ImpactAnalyzer analyzer = new ImpactAnalyzer(model, analysis(steps, variants, effects));
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        List<PairRequest> requests = requests(pairs + 1, steps, imageSide);
        long[] wall = new long[3];
        long[] cpu = new long[3];
        long rows = 0;
        long effectRows = 0;
        int maxSteps = 0;
        int tokens = 0;
        for (int i = 0; i < requests.size(); i++) {
            PairRequest r = requests.get(i);
            long[] w = new long[4];
            long[] c = new long[4];
            w[0] = System.nanoTime();
            c[0] = threads.getCurrentThreadCpuTime();
            prepareOnly(model, r);
            w[1] = System.nanoTime();
            c[1] = threads.getCurrentThreadCpuTime();
            generateOnly(model, r);
            w[2] = System.nanoTime();
            c[2] = threads.getCurrentThreadCpuTime();
            PairImpact impact = analyzer.analyze(r);
            w[3] = System.nanoTime();
            c[3] = threads.getCurrentThreadCpuTime();
            if (i == 0) {
                continue;   // warm-up
            }
            if (tokens == 0) {
                tokens = (int) Arrays.stream(impact.steps().get(0).position()).distinct().count();
            }
            for (int k = 0; k < 3; k++) {
                wall[k] += w[k + 1] - w[k];
                cpu[k] += c[k + 1] - c[k];
            }
            rows += impact.rowCount();
            effectRows += impact.steps().stream().mapToLong(st -> st.effects() == null ? 0 : st.effects().rowCount()).sum();
            maxSteps = Math.max(maxSteps, impact.steps().size());
        }
        return new Result(name, variants, pairs, maxSteps, tokens, (double) rows / pairs, wall[0] / 1e9 / pairs,
                wall[1] / 1e9 / pairs, wall[2] / 1e9 / pairs, cpu[0] / 1e9 / pairs, cpu[1] / 1e9 / pairs,
                cpu[2] / 1e9 / pairs, -1, -1, -1, effects, (double) effectRows / pairs);
    }

    /** Toy pairs of seed 99 (the engine benchmark's), as requests in mode both. */
    static List<PairRequest> requests(int n, int steps) {
        return requests(n, steps, 0);
    }

    /**
     * @param side 0 for the toy images as drawn, else the side they are resized to (PIL's bicubic)
     * @return toy pairs of seed 99 in mode both
     */
    static List<PairRequest> requests(int n, int steps, int side) {
        List<PairRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ToyData.Sample sample = ToyData.sample(99, i);
            PixelImage image = decode(sample.png());
            requests.add(new PairRequest(sample.pairId(), side > 0 ? PilResize.resize(image, side, side, Resampling.BICUBIC)
                    : image, sample.question(), steps, MaskMode.BOTH));
        }
        return requests;
    }

    /** Prompt preparation alone: template, tokenizer, image preprocessing, vision tower and projector. */
    static void prepareOnly(Vlm model, PairRequest r) {
        try (NDManager pair = model.manager().newSubManager()) {
            model.prompts().prepare(r.image(), r.question(), pair);
        } catch (PromptException e) {
            throw new IllegalStateException("Cannot prepare toy pair " + r.pairId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A plain greedy generation: prepare, then decode with a KV cache and a listener that does nothing.
     *
     * @return the generated tokens
     */
    static int[] generateOnly(Vlm model, PairRequest r) {
        try (NDManager pair = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(r.image(), r.question(), pair);
            try (DecoderSession session = model.decoder().open(prompt, pair, false)) {
                return GreedyDecoder.run(model.vocabulary(), session, prompt, r.maxNewTokens(), pair,
                        (step, trace, sequence, predicted, prob, stepManager) -> { }).answer();
            }
        } catch (PromptException e) {
            throw new IllegalStateException("Cannot prepare toy pair " + r.pairId() + ": " + e.getMessage(), e);
        }
    }

    static PixelImage decode(byte[] png) {
        try {
            return PilRgb.convert(ImageIO.read(new ByteArrayInputStream(png)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param results one row per model
     * @param command the command line that produced them
     * @return a Markdown section for docs/BENCHMARKS.md
     */
    public static String markdown(List<Result> results, String command) {
        StringBuilder md = new StringBuilder();
        md.append("## Cost: analysis vs plain generation\n\n");
        md.append(Machine.describe()).append("\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Analysis: mask mode both, every layer, the variants of each row (`--variants`; the goal is stated "
                + "for `all`), exact, the same toy pairs; plain generation: the same prompt preparation and greedy "
                + "decoding with a KV cache (`GreedyDecoder`, no-op listener). One thread (DJL intra-op threads: "
                + System.getProperty("ai.djl.pytorch.num_threads", "default") + "); seconds per pair, summed over "
                + "pairs run alternately. Goal: ratio at most " + GOAL + " with every variant (without effects). "
                + "With effects, the analysis also hides every unit at every layer and re-runs the decoder from it "
                + "(`--effects`, docs/ENGINE.md).\n\n");
        md.append("| model | variants | effects | effect rows/pair | pairs | steps | masked tokens | rows/pair | prepare ms | generation ms | analysis ms | "
                + "ratio (wall) | ratio (CPU) | ratio without prepare (CPU) | goal | load s | peak RSS MiB (loaded / end) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            String goal = !r.variants().equals(ALL_VARIANTS) || r.effects() ? "(stated for all, no effects)"
                    : r.ratioCpu() <= GOAL ? "met" : "NOT met";
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %d | %d | %d | %.0f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f "
                            + "| %.2fx | %.2fx | %.2fx | %s | %.1f | %d / %d |%n",
                    r.model(), r.variants(), r.effects() ? "all layers" : "off", r.effectRowsPerPair(), r.pairs(), r.steps(), r.tokens(), r.rowsPerPair(), r.prepare() * 1e3,
                    r.prepareCpu() * 1e3, r.generate() * 1e3, r.generateCpu() * 1e3, r.analyze() * 1e3,
                    r.analyzeCpu() * 1e3, r.ratio(), r.ratioCpu(), r.ratioCpuWithoutPrepare(), goal, r.loadSeconds(),
                    r.rssAfterLoadMib(), r.peakRssMib()));
        }
        md.append("\nTimes are wall / CPU milliseconds per pair; generation and analysis include the prompt preparation. "
                + "The goal is judged on the CPU ratio (the machine's load changes wall times between the two). "
                + "Load: Families.load, wall; peak RSS: the process's high-water mark (VmHWM) once the model is loaded "
                + "and after its measurement, cumulative over the rows of one run (run a model alone for its own).\n");
        return md.toString();
    }
}
