package io.maskimpact.bench;

import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import io.maskimpact.output.PairResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Impact results with the original tool's shape and plausible values, without a model: what the
 * storage benchmark writes through the job's own writer.
 *
 * <p>Shape (defaults): 36 layers, 32 heads, so 34 variants ({@code Full}, {@code Attn},
 * {@code Head_0..31}); a prompt of 10 template tokens, 256 image tokens (16 x 16 grid, all with the
 * text {@code <image>}) and 54 question tokens, masked in mode {@code both} (310 tokens, plus the
 * tokens generated at earlier steps); 5 steps; 2 pairs: 3,818,880 rows.
 *
 * <p>Values follow the closed form of docs/ENGINE.md rather than a fitted distribution.
 * Per (step, layer, head) the final query's attention is a softmax over every token of
 * logits = token salience x head sharpness + noise, where a few sink tokens (one image token, the
 * first question token, the template's first token) get a large logit in most heads past layer 1,
 * so their weights are large and everyone else's small (heavy-tailed). Hiding token p moves head
 * h's output by {@code a_p * |v_p - o_rest|} (the closed form, with {@code o_rest} the output over
 * the other keys), with per-(layer, head) value scales that
 * grow with depth (log-normal); the cosine distance comes from the angle between that move and
 * {@code o_h}. {@code Attn} combines the heads' moves in quadrature (random directions through
 * o_proj), {@code Full} adds the MLP's amplification. So most rows are small (a few 1e-3 for L2,
 * ~0 for cosine after rounding), a few sink rows large, and neighbouring image tokens correlated
 * (salience is a smooth field over the grid). Deterministic for a seed.
 *
 * <p>Legend: S sequence, L layers, H heads, P masked positions.
 */
public final class SyntheticImpact implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Where synthetic pairs say they ran. */
    private static final PairResult.Placement PLACEMENT = new PairResult.Placement("synthetic", "cpu");
    private static final String[] WORDS = {"what", "colour", "is", "the", "object", "in", "upper", "left", "corner",
        "of", "picture", ",", "and", "how", "many", "small", "red", "circles", "can", "you", "see", "near", "it", "?"};

    /**
     * The shape of the synthetic run.
     *
     * @param pairs pairs
     * @param steps generation steps per pair
     * @param layers decoder layers
     * @param heads attention heads (variants = heads + 2)
     * @param grid image grid side (grid x grid image tokens)
     * @param questionTokens text tokens of the question
     * @param templateTokens special tokens of the chat template (not masked)
     */
    public record Shape(int pairs, int steps, int layers, int heads, int grid, int questionTokens, int templateTokens)
            implements Serializable {
        /** The original tool's shape: 36 layers x 34 variants x ~310 tokens x 5 steps x 2 pairs. */
        public static final Shape ORIGINAL = new Shape(2, 5, 36, 32, 16, 54, 10);

        /** @return impact rows of one pair */
        public long rowsPerPair() {
            long masked = 0;
            for (int t = 0; t < steps; t++) {
                masked += (long) grid * grid + questionTokens + t;
            }
            return masked * layers * (heads + 2L);
        }

        /** @return impact rows of the whole run */
        public long rows() {
            return rowsPerPair() * pairs;
        }
    }

    private final Shape shape;
    private final long seed;
    private final double scale;

    /**
     * @param shape the run's shape
     * @param seed the random seed
     */
    public SyntheticImpact(Shape shape, long seed) {
        this(shape, seed, 1);
    }

    /**
     * @param shape the run's shape
     * @param seed the random seed
     * @param scale multiplies every value vector's scale (so every distance), to see how sizes
     *     depend on the values' magnitude: at 4 decimals, larger values have more distinct levels
     */
    public SyntheticImpact(Shape shape, long seed, double scale) {
        this.shape = shape;
        this.seed = seed;
        this.scale = scale;
    }

    /** @return the shape */
    public Shape shape() {
        return shape;
    }

    /** @return the variant names, in index order (as the analyzer names them) */
    public List<String> variantNames() {
        List<String> names = new ArrayList<>(List.of("Full", "Attn"));
        for (int h = 0; h < shape.heads(); h++) {
            names.add("Head_" + h);
        }
        return names;
    }

    /**
     * @param pair the pair's index
     * @return its pair id
     */
    public static String pairId(int pair) {
        return String.format("pair-%05d", pair);
    }

    /**
     * @param pair the pair's index
     * @return its result as the analysis hands it to the writer ({@link #impact} of an ok pair)
     */
    public PairResult pair(int pair) {
        return result(impact(pair));
    }

    /**
     * @param impact one of this run's pairs' impact (possibly with its rows reordered)
     * @return it as an ok result, as the analysis hands it to the writer
     */
    public PairResult result(PairImpact impact) {
        String id = impact.pairId();
        PairResult.Input input = new PairResult.Input(id, "images/" + id + ".png", "file:/data/images/" + id + ".png",
                "synthetic question", "both", shape.steps());
        return PairResult.ok(input, "synthetic-" + shape.layers() + "x" + shape.heads(), PLACEMENT, impact, 1f);
    }

    /**
     * Builds one pair's impact as the analyzer would: steps in order, rows of a step ordered by
     * layer, then position, then variant.
     *
     * @param pair the pair's index
     * @return its impact
     */
    public PairImpact impact(int pair) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + pair);
        int layers = shape.layers();
        int heads = shape.heads();
        int variants = heads + 2;
        List<TokenInfo> tokens = tokens(rnd);
        int prompt = tokens.size() - (shape.steps() - 1);
        int[] sinks = {0, shape.templateTokens() / 2 + rnd.nextInt(shape.grid() * shape.grid()),
            shape.templateTokens() / 2 + shape.grid() * shape.grid()};
        double[] salience = salience(tokens, sinks, rnd);
        // per (layer, head): value scale |v - o| and output norm |o|; sharpness of the attention
        double[][] valueScale = new double[layers][heads];
        double[][] sharpness = new double[layers][heads];
        double[] attnGain = new double[layers];
        double[] mlpGain = new double[layers];
        for (int l = 0; l < layers; l++) {
            double depth = 0.4 + 1.6 * l / Math.max(1, layers - 1);
            for (int h = 0; h < heads; h++) {
                valueScale[l][h] = scale * depth * Math.exp(0.5 * rnd.nextGaussian());
                sharpness[l][h] = Math.exp(0.4 * rnd.nextGaussian());
            }
            attnGain[l] = Math.exp(0.3 * rnd.nextGaussian());
            mlpGain[l] = 1.5 * Math.exp(0.3 * rnd.nextGaussian());
        }
        // per token: how |v_p - o| differs from the head's scale, and the direction of the move
        int sMax = tokens.size();
        double[] tokenValue = new double[sMax];
        for (int p = 0; p < sMax; p++) {
            tokenValue[p] = Math.exp(0.25 * rnd.nextGaussian());
        }
        List<StepImpact> steps = new ArrayList<>();
        for (int t = 0; t < shape.steps(); t++) {
            int s = prompt + t;
            int[] masked = maskable(tokens, s);
            int p = masked.length;
            int rows = layers * p * variants;
            int[] layerCol = new int[rows];
            int[] positionCol = new int[rows];
            short[] variantCol = new short[rows];
            float[] l2 = new float[rows];
            float[] cos = new float[rows];
            double[] logits = new double[s];
            double[] headMove = new double[p * heads];
            double[] headCos = new double[p * heads];
            int r = 0;
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    double[] a = attention(salience, sinks, sharpness[l][h], l, s, logits, rnd);
                    double norm = valueScale[l][h] * 0.8 * Math.exp(0.2 * rnd.nextGaussian());   // |o_h|
                    for (int i = 0; i < p; i++) {
                        int pos = masked[i];
                        // o' - o = a_p (o_rest - v_p), o_rest being the output over the other keys
                        double move = a[pos] * valueScale[l][h] * tokenValue[pos];
                        headMove[i * heads + h] = move;
                        headCos[i * heads + h] = cosineDistance(norm, move, angle(rnd));
                    }
                }
                for (int i = 0; i < p; i++) {
                    double sq = 0;
                    for (int h = 0; h < heads; h++) {
                        sq += headMove[i * heads + h] * headMove[i * heads + h];
                    }
                    double attnMove = attnGain[l] * 0.5 * Math.sqrt(sq);
                    double attnNorm = attnGain[l] * valueScale[l][0] * Math.sqrt(heads) * 0.3;
                    double fullMove = attnMove * mlpGain[l] * Math.exp(0.2 * rnd.nextGaussian());
                    double fullNorm = attnNorm * 3;
                    int pos = masked[i];
                    layerCol[r] = l;
                    positionCol[r] = pos;
                    variantCol[r] = 0;
                    l2[r] = (float) fullMove;
                    cos[r++] = (float) cosineDistance(fullNorm, fullMove, angle(rnd));
                    layerCol[r] = l;
                    positionCol[r] = pos;
                    variantCol[r] = 1;
                    l2[r] = (float) attnMove;
                    cos[r++] = (float) cosineDistance(attnNorm, attnMove, angle(rnd));
                    for (int h = 0; h < heads; h++) {
                        layerCol[r] = l;
                        positionCol[r] = pos;
                        variantCol[r] = (short) (2 + h);
                        l2[r] = (float) headMove[i * heads + h];
                        cos[r++] = (float) headCos[i * heads + h];
                    }
                }
            }
            int next = t + 1 < shape.steps() ? tokens.get(s).tokenId() : 2;
            steps.add(new StepImpact(t, s, next, t + 1 < shape.steps() ? tokens.get(s).text() : "</s>",
                    0.5f + 0.4f * (float) rnd.nextDouble(), layerCol, positionCol, variantCol, l2, cos));
        }
        ImageRegion region = new ImageRegion(0, ImageRegion.Kind.IMAGE, shape.grid(), shape.grid(), shape.templateTokens() / 2,
                ImageRegion.Box.whole(shape.grid(), shape.grid()));
        return new PairImpact(pairId(pair), tokens, prompt, List.of(region), "synthetic answer",
                variantNames(), layers, steps);
    }

    /** Template, image, question, template, then the generated tokens (the longest sequence). */
    private List<TokenInfo> tokens(SplittableRandom rnd) {
        List<TokenInfo> tokens = new ArrayList<>();
        int half = shape.templateTokens() / 2;
        for (int i = 0; i < half; i++) {
            tokens.add(TokenInfo.plain(1 + i, i == 0 ? "<s>" : "<|special_" + i + "|>", TokenKind.SPECIAL));
        }
        for (int i = 0; i < shape.grid() * shape.grid(); i++) {
            tokens.add(new TokenInfo(32000, "<image>", TokenKind.VISION, 0, i / shape.grid(), i % shape.grid()));
        }
        for (int i = 0; i < shape.questionTokens(); i++) {
            int w = rnd.nextInt(WORDS.length);
            tokens.add(TokenInfo.plain(100 + w, WORDS[w], TokenKind.TEXT));
        }
        for (int i = half; i < shape.templateTokens(); i++) {
            tokens.add(TokenInfo.plain(1 + i, "<|special_" + i + "|>", TokenKind.SPECIAL));
        }
        for (int t = 0; t + 1 < shape.steps(); t++) {
            int w = rnd.nextInt(WORDS.length);
            tokens.add(TokenInfo.plain(100 + w, WORDS[w], TokenKind.GENERATED));
        }
        return tokens;
    }

    /** Positions masked in mode both at a sequence length: every non-special token. */
    private static int[] maskable(List<TokenInfo> tokens, int length) {
        return java.util.stream.IntStream.range(0, length).filter(i -> tokens.get(i).kind() != TokenKind.SPECIAL).toArray();
    }

    /** A smooth salience field over the grid (a few blobs), higher for text; sinks listed apart. */
    private double[] salience(List<TokenInfo> tokens, int[] sinks, SplittableRandom rnd) {
        int g = shape.grid();
        double[][] blobs = new double[3][];
        for (int b = 0; b < blobs.length; b++) {
            blobs[b] = new double[] {rnd.nextDouble() * g, rnd.nextDouble() * g, 1 + rnd.nextDouble() * g / 6, 1 + rnd.nextDouble()};
        }
        double[] s = new double[tokens.size()];
        for (int i = 0; i < s.length; i++) {
            TokenInfo t = tokens.get(i);
            if (t.kind() == TokenKind.VISION) {
                double v = 0;
                for (double[] b : blobs) {
                    double dr = t.patchRow() - b[0];
                    double dc = t.patchCol() - b[1];
                    v += b[3] * Math.exp(-(dr * dr + dc * dc) / (2 * b[2] * b[2]));
                }
                s[i] = v + 0.3 * rnd.nextGaussian();
            } else {
                s[i] = 1.0 + 0.5 * rnd.nextGaussian();
            }
        }
        return s;
    }

    /**
     * The final query's attention over the first {@code s} tokens of one (step, layer, head).
     * Sinks take most of the mass past layer 1; the rest is spread by salience.
     */
    private static double[] attention(double[] salience, int[] sinks, double sharpness, int layer, int s, double[] logits,
                                      SplittableRandom rnd) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < s; j++) {
            logits[j] = salience[j] * sharpness + 0.5 * rnd.nextGaussian();
        }
        if (layer >= 2) {
            for (int k = 0; k < sinks.length; k++) {
                if (sinks[k] < s && rnd.nextDouble() < 0.8) {
                    logits[sinks[k]] += (k == 0 ? 8 : 5) + rnd.nextGaussian();
                }
            }
        }
        for (int j = 0; j < s; j++) {
            max = Math.max(max, logits[j]);
        }
        double sum = 0;
        double[] a = new double[s];
        for (int j = 0; j < s; j++) {
            a[j] = Math.exp(logits[j] - max);
            sum += a[j];
        }
        for (int j = 0; j < s; j++) {
            a[j] /= sum;
        }
        return a;
    }

    /** Cosine of the angle between a move and the vector it moves: mostly away from it. */
    private static double angle(SplittableRandom rnd) {
        return Math.max(-1, Math.min(1, -0.3 + 0.4 * rnd.nextGaussian()));
    }

    /** 1 - cos(o, o + move) for |o| = norm and cos(o, move) = c, in double precision. */
    private static double cosineDistance(double norm, double move, double c) {
        double moved = Math.sqrt(norm * norm + 2 * norm * move * c + move * move);
        if (moved == 0) {
            return 1;
        }
        double cosine = (norm + move * c) / moved;
        return Math.max(0, 1 - cosine);
    }
}
