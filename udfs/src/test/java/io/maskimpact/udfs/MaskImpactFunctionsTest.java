package io.maskimpact.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The functions as SQL sees them after {@link MaskImpactFunctions#register}. */
class MaskImpactFunctionsTest extends SparkSqlTestBase {

    @BeforeAll
    void registerFunctionsAndFixture() {
        MaskImpactFunctions.register(spark);
        ImpactFixture.register(spark);
    }

    // ---- mi_normalize

    @Test
    void normalizeDefaultsToTheGroupMaximum() {
        List<Row> rows = sql("SELECT layer, token_position, mi_normalize(l2_distance) FROM impact"
                + " WHERE pair_id = 'p1' AND variant = 'Full' ORDER BY layer, token_position");
        assertThat(rows).extracting(r -> r.getDouble(2))
                .as("p1 Full l2 = 0,2,4,1,3 over max 4, the same at layer 1 (ten times larger)")
                .containsExactly(0.0, 0.5, 1.0, 0.25, 0.75, 0.0, 0.5, 1.0, 0.25, 0.75);
    }

    @Test
    void normalizeGroupsByPairStepLayerAndVariant() {
        List<Row> rows = sql("SELECT pair_id, layer, variant, max(n) FROM (SELECT *, mi_normalize(l2_distance) AS n"
                + " FROM impact) GROUP BY pair_id, layer, variant");
        assertThat(rows).as("one group per (pair, layer, variant) of the fixture").hasSize(4);
        assertThat(rows).extracting(r -> r.getDouble(3)).as("each group's maximum is 1").containsOnly(1.0);
    }

    @Test
    void normalizeMethods() {
        List<Row> minmax = sql("SELECT mi_normalize(l2_distance, 'minmax') FROM impact"
                + " WHERE pair_id = 'p1' AND layer = 0 AND variant = 'Attn' ORDER BY token_position");
        assertThat(minmax).extracting(r -> r.getDouble(0)).containsExactly(0.0, 0.0, 0.0, 0.0, 1.0);

        Row sums = sql("SELECT sum(s), min(s) FROM (SELECT mi_normalize(l2_distance, 'SUM') AS s FROM impact"
                + " WHERE pair_id = 'p1' AND layer = 0 AND variant = 'Full')").get(0);
        assertThat(sums.getDouble(0)).as("shares of a group add up to 1").isCloseTo(1.0, within(1e-9));

        Row z = sql("SELECT avg(z), stddev_pop(z) FROM (SELECT mi_normalize(cosine_distance, 'zscore') AS z"
                + " FROM impact WHERE pair_id = 'p1' AND layer = 1 AND variant = 'Full')").get(0);
        assertThat(z.getDouble(0)).as("z-scores have mean 0").isCloseTo(0.0, within(1e-9));
        assertThat(z.getDouble(1)).as("z-scores have standard deviation 1").isCloseTo(1.0, within(1e-9));
    }

    @Test
    void flatGroupsNormalizeToZeroAndNullsStayNull() {
        List<Row> flat = sql("SELECT DISTINCT mi_normalize(l2_distance, 'minmax'), mi_normalize(l2_distance, 'zscore'),"
                + " mi_normalize(l2_distance, 'max') FROM impact WHERE pair_id = 'p2'");
        assertThat(flat).hasSize(1);
        assertThat(flat.get(0).getDouble(0)).isEqualTo(0.0);
        assertThat(flat.get(0).getDouble(1)).isEqualTo(0.0);
        assertThat(flat.get(0).getDouble(2)).isEqualTo(1.0);

        Object nullValue = scalar("SELECT mi_normalize(CAST(NULL AS FLOAT)) FROM impact WHERE pair_id = 'p2'"
                + " AND token_position = 0");
        assertThat(nullValue).isNull();
    }

    @Test
    void normalizeRejectsUnknownMethodsAndArity() {
        assertThatThrownBy(() -> sql("SELECT mi_normalize(l2_distance, 'median') FROM impact"))
                .hasMessageContaining("Cannot normalise by 'median': unknown method (expected one of [max, minmax, sum, zscore])");
        assertThatThrownBy(() -> sql("SELECT mi_normalize(l2_distance, variant) FROM impact"))
                .hasMessageContaining("second argument must be a constant string");
        assertThatThrownBy(() -> sql("SELECT mi_normalize() FROM impact"))
                .hasMessageContaining("Cannot call mi_normalize with 0 arguments (expected 1 or 2)");
    }

    @Test
    void normalizeNeedsTheGroupColumns() {
        assertThatThrownBy(() -> sql("SELECT mi_normalize(l2_distance) FROM (SELECT l2_distance FROM impact)"))
                .as("the group columns are looked up in the query's input")
                .hasMessageContaining("pair_id");
    }

    // ---- mi_top_tokens

    @Test
    void topTokensPerGroupHighestFirst() {
        List<Row> rows = sql("SELECT layer, mi_top_tokens(concat(token_position, ':', token_masked), l2_distance, 2)"
                + " FROM impact WHERE pair_id = 'p1' AND variant = 'Full' GROUP BY layer ORDER BY layer");
        assertThat(rows).hasSize(2);
        assertThat(describe(rows.get(0).getList(1))).containsExactly("2:<image>=4.0", "4:?=3.0");
        assertThat(describe(rows.get(1).getList(1))).containsExactly("2:<image>=40.0", "4:?=30.0");
    }

    @Test
    void topTokensBreaksTiesByTokenAndSkipsNulls() {
        List<Row> rows = sql("SELECT mi_top_tokens(t, v, 3) FROM VALUES ('b', 1.0), ('a', 1.0), ('c', 1.0),"
                + " ('d', 0.5), (NULL, 9.0), ('e', NULL), ('f', CAST('NaN' AS DOUBLE)) AS t(t, v)");
        assertThat(describe(rows.get(0).getList(0))).containsExactly("a=1.0", "b=1.0", "c=1.0");
    }

    @Test
    void topTokensDoesNotDependOnPartitioning() {
        String query = "SELECT mi_top_tokens(cast(id AS STRING), cast(id %% 97 AS DOUBLE), 5) FROM range(0, 5000, 1, %d)";
        List<String> one = describe(sql(query, 1).get(0).getList(0));
        List<String> many = describe(sql(query, 13).get(0).getList(0));
        assertThat(many).isEqualTo(one);
        assertThat(one).containsExactly("1066=96.0", "1163=96.0", "1260=96.0", "1357=96.0", "1454=96.0");
    }

    @Test
    void topTokensWorksWithFilterAndAsAWindow() {
        List<Row> top = sql("SELECT mi_top_tokens(token_masked, l2_distance, 1) FILTER (WHERE token_kind = 'text')"
                + " FROM impact WHERE pair_id = 'p1' AND layer = 0 AND variant = 'Full'");
        assertThat(describe(top.get(0).getList(0))).containsExactly("?=3.0");
        List<Row> windowed = sql("SELECT DISTINCT variant, mi_top_tokens(token_masked, l2_distance, 1)"
                + " OVER (PARTITION BY variant) FROM impact WHERE pair_id = 'p1' AND layer = 0 ORDER BY variant");
        assertThat(windowed).extracting(r -> describe(r.getList(1)).get(0)).containsExactly("?=9.0", "<image>=4.0");
    }

    @Test
    void topTokensRejectsBadK() {
        assertThatThrownBy(() -> sql("SELECT mi_top_tokens(token_masked, l2_distance, 0) FROM impact"))
                .hasStackTraceContaining("k must lie in 1..10000 (got 0)");
        assertThatThrownBy(() -> sql("SELECT mi_top_tokens(token_masked, l2_distance, token_position + 1) FROM impact"))
                .hasStackTraceContaining("k must be the same in every row of a group");
    }

    // ---- mi_patch_box

    /** A tile's region as {@code pairs.regions} holds it. */
    static final String REGION = "named_struct('image_index', 1, 'kind', 'tile', 'grid_rows', 2, 'grid_cols', 2, 'x', 640.0D, 'y', 0.0D, 'width', 640.0D, 'height', 480.0D)";

    @Test
    void patchBoxOfVisionTokens() {
        List<Row> rows = sql("SELECT token_position, mi_patch_box(patch_row, patch_col, 1, 2, 336, 168) AS box"
                + " FROM impact WHERE pair_id = 'p1' AND layer = 0 AND variant = 'Full' ORDER BY token_position");
        assertThat(rows.get(0).isNullAt(1)).as("a text token has no box").isTrue();
        Row box = rows.get(2).getStruct(1);
        assertThat(box.schema().fieldNames()).containsExactly("x", "y", "width", "height", "center_x", "center_y");
        assertThat(List.of(box.getDouble(0), box.getDouble(1), box.getDouble(2), box.getDouble(3), box.getDouble(4),
                box.getDouble(5))).as("cell (0, 1) of a 1x2 grid over 336x168").containsExactly(168.0, 0.0, 168.0, 168.0,
                252.0, 84.0);
        assertThat(scalar("SELECT mi_patch_box(1, 1, '2', 2L, 100.5, 200).center_y")).as("arguments are cast")
                .isEqualTo(150.0);
        assertThatThrownBy(() -> sql("SELECT mi_patch_box(2, 0, 2, 2, 10, 10)"))
                .hasStackTraceContaining("Cannot place patch (row 2, col 0) in a 2x2 grid");
    }

    @Test
    void patchBoxInARegionIsInTheOriginalImage() {
        Row box = (Row) scalar("SELECT mi_patch_box(0, 1, %s)", REGION);
        assertThat(List.of(box.getDouble(0), box.getDouble(1), box.getDouble(2), box.getDouble(3), box.getDouble(4),
                box.getDouble(5))).as("cell (0, 1) of a 2x2 tile whose box is x 640..1280, y 0..480")
                .containsExactly(960.0, 0.0, 320.0, 240.0, 1120.0, 120.0);
        assertThat(scalar("SELECT mi_patch_box(0, 1, CAST(NULL AS %s))", "struct<grid_rows: int, grid_cols: int,"
                + " x: double, y: double, width: double, height: double>")).as("no region, no box").isNull();
        assertThat(scalar("SELECT mi_patch_box(1, 1, array(%s)[0]).center_y", REGION)).isEqualTo(360.0);
        assertThatThrownBy(() -> sql("SELECT mi_patch_box(2, 0, %s)", REGION))
                .hasStackTraceContaining("Cannot place patch (row 2, col 0) in a 2x2 grid");
        assertThatThrownBy(() -> sql("SELECT mi_patch_box(0, 0, 2, 2)"))
                .hasStackTraceContaining("Cannot call mi_patch_box with 4 arguments (expected 3 or 6)");
    }

    // ---- mi_token_class

    @Test
    void tokenClassOfTheFixture() {
        List<Row> rows = sql("SELECT token_masked, mi_token_class(token_masked) FROM impact"
                + " WHERE pair_id = 'p1' AND layer = 0 AND variant = 'Full' ORDER BY token_position");
        assertThat(rows).extracting(r -> r.getString(1))
                .containsExactly("special", "special", "special", "stopword", "punctuation");
        assertThat(scalar("SELECT mi_token_class('ing', true)")).isEqualTo("wordpiece");
        assertThat(scalar("SELECT mi_token_class(' ing', 'true')")).isEqualTo("word");
        assertThat(scalar("SELECT mi_token_class(42)")).as("non-strings are cast").isEqualTo("number");
        assertThat(scalar("SELECT mi_token_class(NULL)")).isNull();
    }

    // ---- all

    @Test
    void describeFunctionShowsUsage() {
        for (MaskImpactFunctions.SqlFunction f : MaskImpactFunctions.functions()) {
            String text = sql("DESCRIBE FUNCTION EXTENDED %s", f.identifier().funcName()).stream()
                    .map(r -> r.getString(0)).collect(Collectors.joining("\n"));
            assertThat(text).as("DESCRIBE FUNCTION %s", f.identifier().funcName())
                    .contains("Usage: " + f.identifier().funcName() + "(");
        }
    }

    private static List<String> describe(List<Row> entries) {
        return entries.stream().map(e -> e.getString(0) + "=" + e.getDouble(1)).toList();
    }
}
