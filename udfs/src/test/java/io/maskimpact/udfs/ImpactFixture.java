package io.maskimpact.udfs;

import io.maskimpact.schema.OutputSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A hand-made {@code impact} table with known groups, for SQL-level function tests.
 *
 * <p>Run {@code r1}, step 0, five tokens ({@code <s>}, two vision patches, {@code what}, {@code ?}):
 * <ul>
 *   <li>{@code p1}, layer 0, {@code Full}: l2 = 0, 2, 4, 1, 3 (max 4, sum 10);</li>
 *   <li>{@code p1}, layer 1, {@code Full}: ten times layer 0 (same normalised values);</li>
 *   <li>{@code p1}, layer 0, {@code Attn}: l2 = 1, 1, 1, 1, 9;</li>
 *   <li>{@code p2}, layer 0, {@code Full}: all 5 (a flat group: every method gives 0 except max, 1).</li>
 * </ul>
 * Cosine distances are l2 / 100.
 */
final class ImpactFixture {

    static final String[] TOKENS = {"<s>", "<image>", "<image>", "what", "?"};
    static final String[] KINDS = {"special", "vision", "vision", "text", "text"};
    static final Integer[] ROWS = {null, 0, 0, null, null};
    static final Integer[] COLS = {null, 0, 1, null, null};
    static final float[] P1_L0_FULL = {0, 2, 4, 1, 3};
    static final float[] P1_L0_ATTN = {1, 1, 1, 1, 9};
    static final float[] P2_L0_FULL = {5, 5, 5, 5, 5};

    private ImpactFixture() {
    }

    /**
     * Creates the table and registers it as the temporary view {@code impact}.
     *
     * @param spark the session
     * @return the table
     */
    static Dataset<Row> register(SparkSession spark) {
        List<Row> rows = new ArrayList<>();
        add(rows, "p1", 0, "Full", P1_L0_FULL, 1);
        add(rows, "p1", 1, "Full", P1_L0_FULL, 10);
        add(rows, "p1", 0, "Attn", P1_L0_ATTN, 1);
        add(rows, "p2", 0, "Full", P2_L0_FULL, 1);
        Dataset<Row> impact = spark.createDataFrame(rows, OutputSchema.IMPACT_SCHEMA);
        impact.createOrReplaceTempView(OutputSchema.IMPACT);
        return impact;
    }

    private static void add(List<Row> rows, String pair, int layer, String variant, float[] l2, float scale) {
        for (int p = 0; p < TOKENS.length; p++) {
            float v = l2[p] * scale;
            rows.add(RowFactory.create("r1", pair, 0, layer, p, TOKENS[p], KINDS[p], ROWS[p] == null ? null : 0, ROWS[p],
                    COLS[p], variant,
                    v, v / 100));
        }
    }
}
