package io.maskimpact.analysis;

import io.maskimpact.input.PairRejection;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A fake model family for Spark tests (like DJL's MockEngine): deterministic, non-trivial rows
 * computed from the request alone, with a tokenization simple enough for tests to count rows
 * independently.
 *
 * <p>Prompt: {@code <bos>} (special), {@code rows x cols} vision tokens in row-major order (with tiles:
 * that many per tile, the tiles in row-major order, then as many for the global image),
 * one text token per whitespace-separated word of the question, {@code <assistant>} (special).
 * Step t's sequence is the prompt plus t generated tokens {@code g0 .. g(t-1)}; generation never
 * stops early. Distances are a hash of (pair, step, layer, position, variant), so two runs give
 * identical rows.
 */
public final class FakeAnalyzer implements PairAnalyzer {

    /**
     * @param layers decoder layers
     * @param heads attention heads
     * @param gridRows image grid rows
     * @param gridCols image grid columns
     * @param maxContext longest prompt plus new tokens; longer pairs fail at stage {@code prompt}
     * @param delayMs sleep per pair, to make runs slow enough to kill
     * @param failPairs pair ids whose analysis throws (stage {@code analysis})
     * @param crashPairs pair ids whose analysis throws an {@link Error}, like a native crash: the task fails
     * @param tileRows rows of tiles the image is split into, like Idefics3's (0: one region, kind {@code image})
     * @param tileCols columns of tiles
     */
    public record Spec(int layers, int heads, int gridRows, int gridCols, int maxContext, long delayMs,
                       Set<String> failPairs, Set<String> crashPairs, int tileRows, int tileCols) {

        /** A spec whose image is one region, not split into tiles. */
        public Spec(int layers, int heads, int gridRows, int gridCols, int maxContext, long delayMs,
                    Set<String> failPairs, Set<String> crashPairs) {
            this(layers, heads, gridRows, gridCols, maxContext, delayMs, failPairs, crashPairs, 0, 0);
        }
    }

    private final Spec spec;
    private final AnalysisOptions options;
    private final String name;
    private boolean closed;

    /**
     * @param spec the fake model's sizes
     * @param options what to measure
     * @param name the model's name
     */
    public FakeAnalyzer(Spec spec, AnalysisOptions options, String name) {
        this.spec = spec;
        this.options = options;
        this.name = name;
    }

    /**
     * @param question a question
     * @return the text tokens the fake tokenizer makes of it
     */
    public static String[] words(String question) {
        return question.strip().split("\\s+");
    }

    @Override
    public PairImpact analyze(PairRequest request) throws PairRejection {
        if (closed) {
            throw new IllegalStateException("analyzer used after close");
        }
        String id = request.pairId();
        if (spec.failPairs().contains(id)) {
            throw new PairRejection(id, "analysis", "Cannot analyze pair " + id + ": the fake model was told to fail", null);
        }
        if (spec.crashPairs().contains(id)) {
            throw new AssertionError("the fake model crashed on pair " + id);
        }
        if (request.image() == null || request.image().width() < 1) {
            throw new PairRejection(id, "image", "Cannot analyze pair " + id + ": no image", null);
        }
        if (spec.delayMs() > 0) {
            try {
                Thread.sleep(spec.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<TokenInfo> tokens = new ArrayList<>();
        tokens.add(TokenInfo.plain(1, "<bos>", TokenKind.SPECIAL));
        List<ImageRegion> regions = regions(request.image().width(), request.image().height());
        for (ImageRegion region : regions) {
            for (int r = 0; r < region.gridRows(); r++) {
                for (int c = 0; c < region.gridCols(); c++) {
                    tokens.add(new TokenInfo(2, "<image>", TokenKind.VISION, region.index(), r, c));
                }
            }
        }
        for (String w : words(request.question())) {
            tokens.add(TokenInfo.plain(100 + Math.abs(w.hashCode() % 1000), w, TokenKind.TEXT));
        }
        tokens.add(TokenInfo.plain(3, "<assistant>", TokenKind.SPECIAL));
        int promptLength = tokens.size();
        if (promptLength + request.maxNewTokens() > spec.maxContext()) {
            throw new PairRejection(id, "prompt", "Cannot analyze pair " + id + ": prompt of " + promptLength
                    + " tokens plus " + request.maxNewTokens() + " new tokens exceeds the model's context of "
                    + spec.maxContext(), null);
        }
        List<String> variants = options.variants().names(spec.heads());
        List<StepImpact> steps = new ArrayList<>();
        StringBuilder answer = new StringBuilder();
        for (int step = 0; step < request.maxNewTokens(); step++) {
            int[] positions = java.util.stream.IntStream.range(0, tokens.size())
                    .filter(i -> request.maskMode().masks(tokens.get(i).kind(), options.maskSpecial())).toArray();
            int n = spec.layers() * positions.length * variants.size();
            int[] layer = new int[n];
            int[] position = new int[n];
            short[] variant = new short[n];
            float[] l2 = new float[n];
            float[] cosine = new float[n];
            int i = 0;
            for (int l = 0; l < spec.layers(); l++) {
                for (int p : positions) {
                    for (short v = 0; v < variants.size(); v++) {
                        layer[i] = l;
                        position[i] = p;
                        variant[i] = v;
                        l2[i] = value(id, step, l, p, v, 1);
                        cosine[i] = value(id, step, l, p, v, 2) / 10f;
                        i++;
                    }
                }
            }
            String text = "g" + step;
            steps.add(new StepImpact(step, tokens.size(), 500 + step, text, 0.5f + step / 100f, layer, position, variant,
                    l2, cosine, options.effects().enabled() ? effects(id, step, tokens, positions, text) : null));
            answer.append(step == 0 ? "" : " ").append(text);
            tokens.add(TokenInfo.plain(500 + step, text, TokenKind.GENERATED));
        }
        List<TokenInfo> finalTokens = List.copyOf(tokens.subList(0, tokens.size() - 1));
        return new PairImpact(id, finalTokens, promptLength, regions, answer.toString(), variants,
                spec.layers(), steps);
    }

    /** One effects row per position, every unit a single token; the last position flips the answer. */
    private static StepEffects effects(String id, int step, List<TokenInfo> tokens, int[] positions, String generated) {
        int n = positions.length;
        StepEffects e = new StepEffects(positions.clone(), new int[n], new int[n], new float[n], new float[n], new float[n],
                new int[n], new int[n], new String[n]);
        for (int i = 0; i < n; i++) {
            int p = positions[i];
            boolean flip = i == n - 1;
            e.unitSize()[i] = 1;
            e.imageIndex()[i] = tokens.get(p).imageIndex();
            e.klDivergence()[i] = value(id, step, -1, p, 0, 3);
            e.probDrop()[i] = value(id, step, -1, p, 0, 4) / 8f;
            e.logitDiff()[i] = value(id, step, -1, p, 0, 5);
            e.greedyRank()[i] = flip ? 2 : 1;
            e.maskedTop1()[i] = flip ? 600 + step : 500 + step;
            e.maskedTop1Text()[i] = flip ? "x" + step : generated;
        }
        return e;
    }

    /** The image's regions: the whole image, or the tiles (an even split of the image) and the global image. */
    private List<ImageRegion> regions(int width, int height) {
        int rows = spec.gridRows();
        int cols = spec.gridCols();
        if (spec.tileRows() == 0) {
            return List.of(new ImageRegion(0, ImageRegion.Kind.IMAGE, rows, cols, 1, ImageRegion.Box.whole(width, height)));
        }
        List<ImageRegion> regions = new ArrayList<>();
        double w = (double) width / spec.tileCols();
        double h = (double) height / spec.tileRows();
        for (int tr = 0; tr < spec.tileRows(); tr++) {
            for (int tc = 0; tc < spec.tileCols(); tc++) {
                regions.add(new ImageRegion(regions.size(), ImageRegion.Kind.TILE, rows, cols, 1 + regions.size() * rows * cols,
                        new ImageRegion.Box(tc * w, tr * h, (tc + 1) * w, (tr + 1) * h)));
            }
        }
        regions.add(new ImageRegion(regions.size(), ImageRegion.Kind.GLOBAL, rows, cols, 1 + regions.size() * rows * cols,
                ImageRegion.Box.whole(width, height)));
        return regions;
    }

    /** A deterministic pseudo-random value in [0, 4) with a few decimals' worth of detail. */
    static float value(String pairId, int step, int layer, int position, int variant, int salt) {
        long h = pairId.hashCode();
        h = h * 31 + step;
        h = h * 31 + layer;
        h = h * 31 + position;
        h = h * 31 + variant;
        h = h * 31 + salt;
        h ^= (h >>> 33);
        h *= 0xff51afd7ed558ccdL;
        h ^= (h >>> 33);
        return (h >>> 40) / (float) (1L << 24) * 4f;
    }

    @Override
    public String modelName() {
        return name;
    }

    @Override
    public void close() {
        closed = true;
    }
}
