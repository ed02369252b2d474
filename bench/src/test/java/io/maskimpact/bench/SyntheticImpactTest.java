package io.maskimpact.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.analysis.StepImpact;
import io.maskimpact.output.PairResult;
import io.maskimpact.output.TableRows;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;

/** The synthetic run the storage benchmark writes: its shape, order and values. */
class SyntheticImpactTest {
    /** 1 pair, 3 steps, 4 layers, 2 heads (4 variants), a 3x3 grid, 5 question and 4 template tokens. */
    static final SyntheticImpact.Shape SMALL = new SyntheticImpact.Shape(1, 3, 4, 2, 3, 5, 4);

    @Test
    void originalShapeHasAbout3Point8MillionRows() {
        SyntheticImpact.Shape s = SyntheticImpact.Shape.ORIGINAL;
        assertThat(s.heads() + 2).as("variants: Full, Attn and 32 heads").isEqualTo(34);
        assertThat(s.layers()).isEqualTo(36);
        assertThat(s.rows()).as("2 pairs x 36 layers x 34 variants x (310..314 tokens over 5 steps)")
                .isEqualTo(2L * 36 * 34 * (5 * 310 + 0 + 1 + 2 + 3 + 4));
    }

    @Test
    void rowsFollowTheAnalyzersOrderAndCountTheMaskedTokens() {
        SyntheticImpact gen = new SyntheticImpact(SMALL, 1);
        PairResult r = gen.pair(0);
        assertThat(r.impactRows()).isEqualTo(SMALL.rowsPerPair());
        assertThat(r.stepCount()).isEqualTo(3);
        // step t masks 9 image tokens, 5 question tokens and t generated tokens
        long expected = 0;
        for (int t = 0; t < 3; t++) {
            expected += (9 + 5 + t) * 4L * 4;
        }
        assertThat(r.impactRows()).isEqualTo(expected);
        assertThat(gen.variantNames()).containsExactly("Full", "Attn", "Head_0", "Head_1");
        StepImpact step = gen.impact(0).steps().get(1);
        for (int i = 1; i < step.rowCount(); i++) {
            long prev = ((long) step.layer()[i - 1] << 32) | ((long) step.position()[i - 1] << 8) | step.variant()[i - 1];
            long cur = ((long) step.layer()[i] << 32) | ((long) step.position()[i] << 8) | step.variant()[i];
            assertThat(cur).as("rows ordered by layer, position, variant (row %d)", i).isGreaterThan(prev);
        }
    }

    @Test
    void valuesAreDeterministicNonNegativeAndMostlySmall() {
        StepImpact a = new SyntheticImpact(SMALL, 7).impact(0).steps().get(0);
        StepImpact b = new SyntheticImpact(SMALL, 7).impact(0).steps().get(0);
        assertThat(a.l2()).isEqualTo(b.l2());
        assertThat(a.cosine()).isEqualTo(b.cosine());
        int small = 0;
        for (int i = 0; i < a.rowCount(); i++) {
            assertThat(a.l2()[i]).isGreaterThanOrEqualTo(0f);
            assertThat(a.cosine()[i]).isBetween(0f, 2f);
            if (a.l2()[i] < 0.05f) {
                small++;
            }
        }
        assertThat(small).as("most masked tokens move a layer's update a little").isGreaterThan(a.rowCount() / 2);
    }

    @Test
    void rowsGoThroughTheJobsRowBuilder() {
        PairResult r = new SyntheticImpact(SMALL, 1).pair(0);
        Iterator<InternalRow> rows = TableRows.impact("run", r, 4);
        long n = 0;
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            float l2 = row.getFloat(10);
            assertThat(Math.abs(l2 * 1e4 - Math.round(l2 * 1e4))).as("rounded to 4 decimals").isLessThan(1e-2);
            n++;
        }
        assertThat(n).isEqualTo(SMALL.rowsPerPair());
    }

}
