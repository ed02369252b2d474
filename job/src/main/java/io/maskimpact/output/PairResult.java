package io.maskimpact.output;

import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.StepEffects;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What one pair produced: its impact arrays, or the reason it was rejected.
 *
 * <p>This is the unit the analysis hands to the writers, and what Spark caches between the
 * {@code impact} write and the small tables: it holds the analyzer's columnar arrays as they
 * are (no per-row objects), plus the per-pair facts of the {@code pairs} table. It is a plain
 * serializable class rather than a record so that both Java and Kryo serialization handle it.
 *
 * <p>Three shapes: {@link #ok ok} (impact arrays, status {@code ok}), {@link #failed failed}
 * (one {@code errors} row and a {@code pairs} row with status {@code error}) and
 * {@link #rejected rejected} (an {@code errors} row only: a duplicate or missing pair id, whose
 * {@code pairs} row, if any, belongs to another manifest row).
 */
public final class PairResult implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final TokenKind[] KINDS = TokenKind.values();

    /** Facts from the manifest, known before analysis. */
    public record Input(String pairId, String image, String imageUri, String question, String maskMode,
                        int maxNewTokens) implements Serializable {
    }

    /**
     * Where a pair was analysed, for the {@code pairs} table.
     *
     * @param executorId Spark's executor id ({@code driver} when the driver runs the tasks)
     * @param device the device of the pair's forward passes: {@code cpu} or {@code gpu:N}
     */
    public record Placement(String executorId, String device) implements Serializable {
    }

    /**
     * One image region of the prompt, for the {@code pairs} table's {@code regions}.
     *
     * @param index the region's {@code image_index}
     * @param kind {@code image}, {@code tile} or {@code global}
     * @param gridRows token rows
     * @param gridCols token columns
     * @param x left edge of its box in the original image's pixels
     * @param y top edge
     * @param width box width
     * @param height box height
     */
    public record Region(int index, String kind, int gridRows, int gridCols, double x, double y, double width,
                         double height) implements Serializable {

        static Region of(ImageRegion r) {
            ImageRegion.Box b = r.box();
            return new Region(r.index(), r.kind().columnValue(), r.gridRows(), r.gridCols(), b.x0(), b.y0(),
                    b.x1() - b.x0(), b.y1() - b.y0());
        }
    }

    /**
     * One generation step, its rows in {@link ImpactOrder}: the analyzer's arrays themselves when
     * they are in that order already, else reordered copies (the analyzer makes them layer by
     * layer; a linear reorder here keeps the file order out of the analysis).
     */
    public static final class Step implements Serializable {
        private static final long serialVersionUID = 1L;
        final int step;
        final int sequenceLength;
        final int generatedTokenId;
        final String generatedText;
        final float generatedProb;
        final int[] layer;
        final int[] position;
        final short[] variant;
        final float[] l2;
        final float[] cosine;
        final int rows;
        /** The step's output effects (kept by {@link #light()}: they are written from the driver), or null. */
        final StepEffects effects;

        Step(StepImpact s, int[] variantRank) {
            step = s.step();
            effects = s.effects();
            sequenceLength = s.sequenceLength();
            generatedTokenId = s.predictedTokenId();
            generatedText = s.predictedText();
            generatedProb = s.predictedProb();
            rows = s.rowCount();
            int[] order = ImpactOrder.permutation(variantRank, s.variant(), s.layer(), s.position());
            if (order == null) {
                layer = s.layer();
                position = s.position();
                variant = s.variant();
                l2 = s.l2();
                cosine = s.cosine();
            } else {
                layer = new int[rows];
                position = new int[rows];
                variant = new short[rows];
                l2 = new float[rows];
                cosine = new float[rows];
                for (int i = 0; i < rows; i++) {
                    int from = order[i];
                    layer[i] = s.layer()[from];
                    position[i] = s.position()[from];
                    variant[i] = s.variant()[from];
                    l2[i] = s.l2()[from];
                    cosine[i] = s.cosine()[from];
                }
            }
        }

        private Step(Step s) {
            step = s.step;
            sequenceLength = s.sequenceLength;
            generatedTokenId = s.generatedTokenId;
            generatedText = s.generatedText;
            generatedProb = s.generatedProb;
            effects = s.effects;
            layer = position = null;
            variant = null;
            l2 = cosine = null;
            rows = s.rows;
        }

        /** @return the number of impact rows of this step */
        public int rowCount() {
            return rows;
        }
    }

    final Input input;
    final boolean hasPairRow;
    // failure (null when ok)
    final String errorStage;
    final String errorClass;
    final String errorMessage;
    // success
    final String model;
    final Placement placement;
    final String answer;
    final int gridRows;
    final int gridCols;
    final Region[] regions;
    final int promptLength;
    final int numLayers;
    final String[] tokenText;
    final byte[] tokenKind;
    final int[] imageIndex;
    final int[] patchRow;
    final int[] patchCol;
    final String[] variantNames;
    final Step[] steps;
    final float seconds;

    private PairResult(PairResult full) {
        input = full.input;
        hasPairRow = full.hasPairRow;
        errorStage = full.errorStage;
        errorClass = full.errorClass;
        errorMessage = full.errorMessage;
        model = full.model;
        placement = full.placement;
        answer = full.answer;
        gridRows = full.gridRows;
        gridCols = full.gridCols;
        regions = full.regions;
        promptLength = full.promptLength;
        numLayers = full.numLayers;
        boolean effects = java.util.Arrays.stream(full.steps).anyMatch(st -> st.effects != null);
        tokenText = effects ? full.tokenText : new String[0];
        tokenKind = effects ? full.tokenKind : new byte[0];
        imageIndex = effects ? full.imageIndex : new int[0];
        patchRow = effects ? full.patchRow : new int[0];
        patchCol = effects ? full.patchCol : new int[0];
        variantNames = new String[0];
        steps = new Step[full.steps.length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = new Step(full.steps[i]);
        }
        seconds = full.seconds;
    }

    private PairResult(Input input, boolean hasPairRow, String errorStage, String errorClass,
                       String errorMessage, String model, Placement placement, PairImpact impact, float seconds) {
        this.input = input;
        this.hasPairRow = hasPairRow;
        this.errorStage = errorStage;
        this.errorClass = errorClass;
        this.errorMessage = errorMessage;
        this.model = model;
        this.placement = placement;
        this.seconds = seconds;
        if (impact == null) {
            answer = null;
            gridRows = gridCols = promptLength = numLayers = 0;
            regions = new Region[0];
            tokenText = new String[0];
            tokenKind = new byte[0];
            imageIndex = patchRow = patchCol = new int[0];
            variantNames = new String[0];
            steps = new Step[0];
            return;
        }
        answer = impact.answer();
        gridRows = impact.gridRows();
        gridCols = impact.gridCols();
        regions = impact.regions().stream().map(Region::of).toArray(Region[]::new);
        promptLength = impact.promptLength();
        numLayers = impact.numLayers();
        List<TokenInfo> tokens = impact.tokens();
        int n = tokens.size();
        tokenText = new String[n];
        tokenKind = new byte[n];
        imageIndex = new int[n];
        patchRow = new int[n];
        patchCol = new int[n];
        for (int i = 0; i < n; i++) {
            TokenInfo t = tokens.get(i);
            tokenText[i] = t.text() == null ? "" : t.text();
            tokenKind[i] = (byte) t.kind().ordinal();
            imageIndex[i] = t.hasCell() ? t.imageIndex() : -1;
            patchRow[i] = t.hasCell() ? t.patchRow() : -1;
            patchCol[i] = t.hasCell() ? t.patchCol() : -1;
        }
        variantNames = impact.variantNames().toArray(new String[0]);
        int[] variantRank = ImpactOrder.variantRanks(variantNames);
        steps = impact.steps().stream().map(st -> new Step(st, variantRank)).toArray(Step[]::new);
    }

    /**
     * @param input the pair's manifest facts
     * @param model the model name
     * @param placement where it was analysed
     * @param impact what the analyzer measured
     * @param seconds wall time of the analysis
     * @return a successful result
     */
    public static PairResult ok(Input input, String model, Placement placement, PairImpact impact, float seconds) {
        return new PairResult(input, true, null, null, null, model, Objects.requireNonNull(placement, "placement"), impact,
                seconds);
    }

    /**
     * @param input the pair's manifest facts
     * @param model the model name, or null when not known yet
     * @param placement where it was analysed
     * @param stage the {@code errors} stage
     * @param errorClass the error's class name
     * @param message one line for the user
     * @param seconds wall time spent before it failed
     * @return a failed result: a {@code pairs} row with status {@code error} and an {@code errors} row
     */
    public static PairResult failed(Input input, String model, Placement placement, String stage, String errorClass,
                                    String message, float seconds) {
        return new PairResult(input, true, stage, errorClass, message, model, Objects.requireNonNull(placement, "placement"),
                null, seconds);
    }

    /**
     * @param input what the manifest row said (pair id may be null)
     * @param stage the {@code errors} stage
     * @param errorClass the error's class name
     * @param message one line for the user
     * @return a rejection with an {@code errors} row and no {@code pairs} row
     */
    public static PairResult rejected(Input input, String stage, String errorClass, String message) {
        return new PairResult(input, false, stage, errorClass, message, null, null, null, 0f);
    }

    /**
     * @return a copy without the impact arrays: everything the {@code pairs}, {@code steps},
     *     {@code errors} and {@code effects} tables need, a few hundred bytes plus the effects (one
     *     row per unit and step) and the token texts they name
     */
    public PairResult light() {
        return new PairResult(this);
    }

    /** @return the pair id (null for a manifest row without one) */
    public String pairId() {
        return input.pairId();
    }

    /** @return whether the pair was analysed */
    public boolean isOk() {
        return errorStage == null;
    }

    /** @return whether this result contributes a {@code pairs} row */
    public boolean hasPairRow() {
        return hasPairRow;
    }

    /** @return the {@code errors} stage, or null when ok */
    public String errorStage() {
        return errorStage;
    }

    /** @return the error message, or null when ok */
    public String errorMessage() {
        return errorMessage;
    }

    /** @return the number of impact rows */
    public long impactRows() {
        long n = 0;
        for (Step s : steps) {
            n += s.rowCount();
        }
        return n;
    }

    /** @return the number of effects rows */
    public long effectRows() {
        long n = 0;
        for (Step s : steps) {
            n += s.effects == null ? 0 : s.effects.rowCount();
        }
        return n;
    }

    /** @return the number of generation steps measured */
    public int stepCount() {
        return steps.length;
    }

    /** @return the analysis wall time in seconds */
    public float seconds() {
        return seconds;
    }

    static TokenKind kind(byte ordinal) {
        return KINDS[ordinal];
    }
}
