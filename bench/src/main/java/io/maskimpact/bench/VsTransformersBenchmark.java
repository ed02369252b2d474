package io.maskimpact.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.family.Families;
import io.maskimpact.input.PairRejection;
import io.maskimpact.input.PixelImage;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.parity.ReferenceHarness;
import io.maskimpact.toy.ToyData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The engine against Hugging Face transformers on the same checkpoint, pairs and thread count: transformers'
 * greedy {@code generate} (the reference harness's {@code generate}: processor, then {@code model.generate}, its
 * default attention, float32) against the engine's plain greedy generation ({@link CostBenchmark#generateOnly}:
 * prompt preparation, then decoding with a KV cache) and its analysis (mask mode both, every layer, exact) with
 * {@code attn,heads} and with every variant.
 *
 * <p>Both sides take the toy pairs of seed 99 ({@link CostBenchmark#requests}), written as PNG files for
 * transformers, so they see the same pixels; both warm up on the first pair. transformers runs first, in its own
 * process; then the engine's three measurements alternate pair by pair. Times are wall seconds per pair, summed
 * over the timed pairs.
 */
public final class VsTransformersBenchmark {
    /** The section of docs/BENCHMARKS.md this benchmark owns. */
    public static final String SECTION = "vs-transformers";
    /** Goal: the engine's plain generation at most this many times transformers' generate. */
    public static final double GENERATION_GOAL = 1.5;
    /** Goal: the {@code attn,heads} analysis at most this many times transformers' generate. */
    public static final double ANALYSIS_GOAL = 3.0;

    /**
     * One model's measurement, wall seconds per pair.
     *
     * @param model the model folder's name, with {@code @SIDE} when its images were resized
     * @param pairs pairs timed
     * @param steps generation steps asked for
     * @param promptTokens transformers' prompt length (first timed pair)
     * @param sameTokens whether the engine generated transformers' tokens on every pair (transformers' may end with
     *     the stop token, which the engine does not report)
     * @param hfPrepare transformers' processor
     * @param hfGenerate transformers' {@code model.generate}
     * @param engineGenerate the engine's plain greedy generation, prompt preparation included
     * @param engineAttnHeads the engine's analysis with {@code attn,heads}, its generation included
     * @param engineAll the engine's analysis with every variant
     */
    public record Result(String model, int pairs, int steps, int promptTokens, boolean sameTokens, double hfPrepare,
                         double hfGenerate, double engineGenerate, double engineAttnHeads, double engineAll) {

        /** @return transformers' processor and generate, the work the engine's generation does */
        public double hfTotal() {
            return hfPrepare + hfGenerate;
        }
    }

    private VsTransformersBenchmark() {
    }

    /**
     * @param target a model folder and the side of its images
     * @param pairs pairs to time (after one warm-up pair)
     * @param steps generation steps
     * @param python the Python with transformers
     * @param home the project's home (where the harness is)
     * @param err where the harness's command line goes
     * @return the measurement
     * @throws ModelLoadException when the engine cannot load the model, or transformers fails on it
     */
    public static Result run(EngineBenchmark.Target target, int pairs, int steps, Path python, Path home,
                             PrintWriter err) throws ModelLoadException, PairRejection, IOException {
        List<PairRequest> requests = CostBenchmark.requests(pairs + 1, steps, target.imageSide());   // + 1 warm-up
        JsonNode hf = transformers(target, requests, steps, python, home, err);
        try (Vlm model = Families.load(target.dir(), "cpu", target.pixelBounds())) {
            ImpactAnalyzer attnHeads = new ImpactAnalyzer(model, CostBenchmark.analysis(steps, "attn,heads"));
            ImpactAnalyzer all = new ImpactAnalyzer(model, CostBenchmark.analysis(steps, CostBenchmark.ALL_VARIANTS));
            long[] wall = new long[3];
            boolean same = true;
            for (int i = 0; i < requests.size(); i++) {
                PairRequest r = requests.get(i);
                long t0 = System.nanoTime();
                int[] answer = CostBenchmark.generateOnly(model, r);
                long t1 = System.nanoTime();
                attnHeads.analyze(r);
                long t2 = System.nanoTime();
                all.analyze(r);
                long t3 = System.nanoTime();
                same &= sameTokens(answer, hf.get("pairs").get(i).get("generated"));
                if (i > 0) {
                    wall[0] += t1 - t0;
                    wall[1] += t2 - t1;
                    wall[2] += t3 - t2;
                }
            }
            double[] hfSeconds = new double[2];
            for (JsonNode p : hf.get("pairs")) {
                if (!p.get("warm_up").asBoolean()) {
                    hfSeconds[0] += p.get("prepare_seconds").asDouble();
                    hfSeconds[1] += p.get("generate_seconds").asDouble();
                }
            }
            return new Result(target.label(), pairs, steps, hf.get("pairs").get(1).get("prompt_tokens").asInt(), same,
                    hfSeconds[0] / pairs, hfSeconds[1] / pairs, wall[0] / 1e9 / pairs, wall[1] / 1e9 / pairs,
                    wall[2] / 1e9 / pairs);
        }
    }

    /** @return whether transformers generated the engine's answer, possibly followed by the stop token */
    private static boolean sameTokens(int[] engine, JsonNode hf) {
        int[] tokens = new int[hf.size()];
        Arrays.setAll(tokens, k -> hf.get(k).asInt());
        return (tokens.length == engine.length || tokens.length == engine.length + 1)
                && Arrays.equals(Arrays.copyOf(tokens, engine.length), engine);
    }

    /** Writes the pairs as PNG files and a manifest, runs the harness's generate on them and reads its JSON. */
    private static JsonNode transformers(EngineBenchmark.Target target, List<PairRequest> requests, int steps, Path python,
                                         Path home, PrintWriter err) throws IOException, ModelLoadException {
        Path dir = Files.createTempDirectory("mask-impact-vs-transformers");
        try {
            ObjectMapper json = new ObjectMapper();
            List<String> manifest = new ArrayList<>();
            for (PairRequest r : requests) {
                Files.write(dir.resolve(r.pairId() + ".png"), png(r.image()));
                ObjectNode row = json.createObjectNode().put("pair_id", r.pairId()).put("image", r.pairId() + ".png")
                        .put("question", r.question());
                manifest.add(json.writeValueAsString(row));
            }
            Files.write(dir.resolve("pairs.jsonl"), manifest, StandardCharsets.UTF_8);
            List<String> args = new ArrayList<>(List.of("generate", "--model", target.dir().toAbsolutePath().toString(),
                    "--manifest", dir.resolve("pairs.jsonl").toString(), "--out", dir.resolve("generate.json").toString(),
                    "--max-new-tokens", String.valueOf(steps), "--threads", threads()));
            if (target.imageSide() > 0) {
                args.addAll(List.of("--max-pixels", String.valueOf((long) target.imageSide() * target.imageSide())));
            }
            if (!ReferenceHarness.run(python, home, args, "bench vs-transformers", err)) {
                throw new ModelLoadException("transformers failed on " + target.dir() + " (its output is above)");
            }
            return json.readTree(dir.resolve("generate.json").toFile());
        } finally {
            ai.djl.util.Utils.deleteQuietly(dir);
        }
    }

    /** @return the engine's intra-op threads, which transformers gets too */
    public static String threads() {
        return System.getProperty("ai.djl.pytorch.num_threads", "1");
    }

    private static byte[] png(PixelImage image) {
        int[] rgb = new int[image.width() * image.height()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                rgb[y * image.width() + x] = image.get(x, y, 0) << 16 | image.get(x, y, 1) << 8 | image.get(x, y, 2);
            }
        }
        return ToyData.encodePng(rgb, image.width(), image.height());
    }

    /**
     * @param results one row per model
     * @param command the command line that produced them
     * @return a Markdown section for docs/BENCHMARKS.md
     */
    public static String markdown(List<Result> results, String command) {
        StringBuilder md = new StringBuilder();
        md.append("## The engine against transformers\n\n");
        md.append(Machine.describe()).append("\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("The same checkpoint, toy pairs (seed 99, as PNG files for transformers) and threads (").append(threads())
                .append(" intra-op, both sides). transformers 5.17 (the harness refuses another version)")
                .append(": the processor (image read from its file, template, tokenizer, preprocessing), then "
                        + "`model.generate(do_sample=False)` in float32 with its default attention. Engine: prompt "
                        + "preparation and greedy decoding with a KV cache (generation); the analysis in mask mode both, "
                        + "every layer, exact, with its own generation. Wall ms per pair after one warm-up pair. Goals: "
                        + "generation at most " + GENERATION_GOAL + "x transformers' processor + generate, `attn,heads` "
                        + "analysis at most " + ANALYSIS_GOAL + "x.\n\n");
        md.append("| model | pairs | steps | prompt tokens | same tokens | transformers processor + generate ms | engine "
                + "generation ms | ratio | goal | analysis attn,heads ms | ratio | goal | analysis all ms | ratio |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            double gen = r.engineGenerate() / r.hfTotal();
            double attn = r.engineAttnHeads() / r.hfTotal();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %.1f + %.1f | %.1f | %.2fx | %s | %.1f | %.2fx "
                            + "| %s | %.1f | %.2fx |%n",
                    r.model(), r.pairs(), r.steps(), r.promptTokens(), r.sameTokens() ? "yes" : "NO", r.hfPrepare() * 1e3,
                    r.hfGenerate() * 1e3, r.engineGenerate() * 1e3, gen, gen <= GENERATION_GOAL ? "met" : "NOT met",
                    r.engineAttnHeads() * 1e3, attn, attn <= ANALYSIS_GOAL ? "met" : "NOT met", r.engineAll() * 1e3,
                    r.engineAll() / r.hfTotal()));
        }
        return md.toString();
    }
}
