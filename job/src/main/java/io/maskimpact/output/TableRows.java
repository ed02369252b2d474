package io.maskimpact.output;

import io.maskimpact.analysis.StepEffects;
import io.maskimpact.model.TokenKind;
import io.maskimpact.schema.OutputSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns {@link PairResult}s into Spark's internal rows, in the column order of {@link OutputSchema}.
 *
 * <p>The {@code impact} iterator writes every row into one reused {@link UnsafeRowWriter}: the
 * row it returns is overwritten by the next call to {@code next()}, which is the contract of
 * Spark's own operators (each consumer copies what it keeps). Strings are converted to
 * {@link UTF8String} once per pair (token texts, variant names), never per row, so expanding a
 * pair allocates nothing per row. The small tables use plain {@link GenericInternalRow}s.
 */
public final class TableRows {
    private static final UTF8String[] KIND_VALUES;

    static {
        TokenKind[] kinds = TokenKind.values();
        KIND_VALUES = new UTF8String[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            KIND_VALUES[i] = UTF8String.fromString(kinds[i].columnValue());
        }
    }

    private TableRows() {
    }

    /**
     * @param runId the run
     * @param result one pair's result
     * @param roundDecimals decimals to round distances to, or negative for none
     * @return the pair's impact rows; each returned row is only valid until the next {@code next()}
     */
    public static Iterator<InternalRow> impact(String runId, PairResult result, int roundDecimals) {
        return result.isOk() && result.impactRows() > 0
                ? new ImpactIterator(runId, result, roundDecimals)
                : java.util.Collections.emptyIterator();
    }

    /**
     * @param runId the run
     * @param r one pair's result
     * @return its {@code pairs} row, or null when it has none (see {@link PairResult#hasPairRow()})
     */
    public static InternalRow pair(String runId, PairResult r) {
        if (!r.hasPairRow) {
            return null;
        }
        PairResult.Input in = r.input;
        boolean ok = r.isOk();
        return new GenericInternalRow(new Object[] {
            utf8(runId), utf8(in.pairId()), utf8(in.image()), utf8(in.imageUri()), utf8(in.question()),
            ok ? utf8(r.answer) : null,
            utf8(ok ? OutputSchema.STATUS_OK : OutputSchema.STATUS_ERROR),
            utf8(r.model), utf8(in.maskMode()), in.maxNewTokens(),
            ok ? (Object) r.gridRows : null, ok ? (Object) r.gridCols : null, ok ? regions(r.regions) : null,
            ok ? (Object) r.promptLength : null, ok ? (Object) r.numLayers : null,
            r.stepCount(), r.impactRows(), r.seconds,
            utf8(r.placement.executorId()), utf8(r.placement.device())
        });
    }

    /**
     * @param runId the run
     * @param r one pair's result
     * @return its {@code steps} rows (none for a failed pair)
     */
    public static List<InternalRow> steps(String runId, PairResult r) {
        List<InternalRow> rows = new ArrayList<>(r.steps.length);
        UTF8String run = utf8(runId);
        UTF8String pair = utf8(r.pairId());
        for (PairResult.Step s : r.steps) {
            rows.add(new GenericInternalRow(new Object[] {
                run, pair, s.step, s.generatedTokenId, utf8(s.generatedText == null ? "" : s.generatedText),
                s.generatedProb, s.sequenceLength, (long) s.rowCount()
            }));
        }
        return rows;
    }

    /**
     * @param runId the run
     * @param r one pair's result
     * @param layers the {@code layers} column: {@code all} or {@code A-B}
     * @return its {@code effects} rows, by step then position (none without effects)
     */
    public static List<InternalRow> effects(String runId, PairResult r, String layers) {
        List<InternalRow> rows = new ArrayList<>();
        UTF8String run = utf8(runId);
        UTF8String pair = utf8(r.pairId());
        UTF8String window = utf8(layers);
        for (PairResult.Step s : r.steps) {
            StepEffects e = s.effects;
            for (int i = 0; e != null && i < e.rowCount(); i++) {
                int pos = e.position()[i];
                boolean cell = r.patchRow[pos] >= 0;
                rows.add(new GenericInternalRow(new Object[] {
                    run, pair, s.step, window, pos, e.unitSize()[i], utf8(r.tokenText[pos]),
                    KIND_VALUES[r.tokenKind[pos]], e.imageIndex()[i] >= 0 ? (Object) e.imageIndex()[i] : null,
                    cell ? (Object) r.patchRow[pos] : null, cell ? (Object) r.patchCol[pos] : null,
                    e.klDivergence()[i], e.probDrop()[i], e.logitDiff()[i], e.greedyRank()[i],
                    e.maskedTop1()[i] != s.generatedTokenId, utf8(e.maskedTop1Text()[i])
                }));
            }
        }
        return rows;
    }

    /**
     * @param runId the run
     * @param r one pair's result
     * @return its {@code errors} row, or null when the pair was analysed
     */
    public static InternalRow error(String runId, PairResult r) {
        if (r.isOk()) {
            return null;
        }
        return new GenericInternalRow(new Object[] {
            utf8(runId), utf8(r.pairId()), utf8(r.errorStage), utf8(r.errorClass), utf8(r.errorMessage)
        });
    }

    /**
     * Rounds half up to a number of decimals, in double precision, then narrows to float32.
     *
     * @param value the distance
     * @param decimals decimals to keep, or negative to keep the value as is
     * @return the rounded value
     */
    public static float round(float value, int decimals) {
        if (decimals < 0 || !Float.isFinite(value)) {
            return value;
        }
        double scale = Math.pow(10, decimals);
        return (float) (Math.round(value * scale) / scale);
    }

    private static ArrayData regions(PairResult.Region[] regions) {
        Object[] rows = new Object[regions.length];
        for (int i = 0; i < regions.length; i++) {
            PairResult.Region g = regions[i];
            rows[i] = new GenericInternalRow(new Object[] {
                g.index(), utf8(g.kind()), g.gridRows(), g.gridCols(), g.x(), g.y(), g.width(), g.height()
            });
        }
        return new GenericArrayData(rows);
    }

    private static UTF8String utf8(String s) {
        return s == null ? null : UTF8String.fromString(s);
    }

    /** Walks steps, then rows within a step, writing each into the same unsafe row. */
    private static final class ImpactIterator implements Iterator<InternalRow> {
        private static final int FIELDS = OutputSchema.IMPACT_SCHEMA.size();
        private final PairResult r;
        private final int decimals;
        private final UTF8String runId;
        private final UTF8String pairId;
        private final UTF8String[] tokenText;
        private final UTF8String[] variants;
        private final UnsafeRowWriter writer = new UnsafeRowWriter(FIELDS, 64);
        private int stepIndex;
        private int row;

        ImpactIterator(String runId, PairResult r, int decimals) {
            this.r = r;
            this.decimals = decimals;
            this.runId = utf8(runId);
            this.pairId = utf8(r.pairId());
            this.tokenText = new UTF8String[r.tokenText.length];
            this.variants = new UTF8String[r.variantNames.length];
            for (int i = 0; i < variants.length; i++) {
                variants[i] = utf8(r.variantNames[i]);
            }
            skipEmptySteps();
        }

        private void skipEmptySteps() {
            while (stepIndex < r.steps.length && row >= r.steps[stepIndex].rowCount()) {
                stepIndex++;
                row = 0;
            }
        }

        @Override
        public boolean hasNext() {
            return stepIndex < r.steps.length;
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            PairResult.Step s = r.steps[stepIndex];
            int pos = s.position[row];
            UTF8String text = tokenText[pos];
            if (text == null) {
                text = tokenText[pos] = utf8(r.tokenText[pos]);
            }
            writer.reset();
            writer.zeroOutNullBytes();
            writer.write(0, runId);
            writer.write(1, pairId);
            writer.write(2, s.step);
            writer.write(3, s.layer[row]);
            writer.write(4, pos);
            writer.write(5, text);
            writer.write(6, KIND_VALUES[r.tokenKind[pos]]);
            if (r.patchRow[pos] >= 0) {
                writer.write(7, r.imageIndex[pos]);
                writer.write(8, r.patchRow[pos]);
                writer.write(9, r.patchCol[pos]);
            } else {
                writer.setNullAt(7);
                writer.setNullAt(8);
                writer.setNullAt(9);
            }
            writer.write(10, variants[s.variant[row]]);
            writer.write(11, round(s.l2[row], decimals));
            writer.write(12, round(s.cosine[row], decimals));
            row++;
            skipEmptySteps();
            return writer.getRow();
        }
    }
}
