package io.maskimpact.udfs;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import io.maskimpact.schema.OutputSchema;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF8;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Option;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;

/**
 * The mask-impact SQL functions, and the one call that registers them in a {@link SparkSession}.
 *
 * <pre>
 * SparkSession spark = SparkSession.builder().getOrCreate();
 * MaskImpactFunctions.register(spark);
 * spark.sql("SELECT mi_token_class(token_masked), mi_normalize(l2_distance) FROM impact");
 * </pre>
 *
 * <table>
 *   <caption>The functions</caption>
 *   <tr><th>function</th><th>returns</th></tr>
 *   <tr><td>{@code mi_normalize(value [, 'max'|'minmax'|'sum'|'zscore'])}</td>
 *       <td>double: the value rescaled within its (run, pair, step, layer, variant) group ({@link Normalize})</td></tr>
 *   <tr><td>{@code mi_patch_box(patch_row, patch_col, region)},
 *       {@code mi_patch_box(patch_row, patch_col, grid_rows, grid_cols, image_width, image_height)}</td>
 *       <td>struct&lt;x, y, width, height, center_x, center_y: double&gt;: the cell's pixel box ({@link PatchBox}), in
 *       the original image given the token's region ({@code pairs.regions[image_index]})</td></tr>
 *   <tr><td>{@code mi_token_class(text [, marks_word_starts])}</td>
 *       <td>string: special, space, punctuation, number, wordpiece, stopword or word ({@link TokenClass})</td></tr>
 *   <tr><td>{@code mi_top_tokens(token, value, k)}</td>
 *       <td>aggregate, array&lt;struct&lt;token: string, value: double&gt;&gt;: the k highest values ({@link TopTokens})</td></tr>
 * </table>
 *
 * <p>Three ways to get them: this method (any session, at any time; the functions live in that
 * session only); {@code spark.sql.extensions=io.maskimpact.udfs.MaskImpactExtensions} when a session
 * starts, e.g. in the {@code spark-sql} shell ({@link MaskImpactExtensions}); or
 * {@code CREATE TEMPORARY FUNCTION ... USING JAR} for all but {@code mi_normalize}, which is an
 * expression rewrite rather than a class (see {@code io.maskimpact.udfs.hive}).
 */
public final class MaskImpactFunctions {

    /** {@code mi_normalize}. */
    public static final String NORMALIZE = "mi_normalize";
    /** {@code mi_patch_box}. */
    public static final String PATCH_BOX = "mi_patch_box";
    /** {@code mi_token_class}. */
    public static final String TOKEN_CLASS = "mi_token_class";
    /** {@code mi_top_tokens}. */
    public static final String TOP_TOKENS = "mi_top_tokens";

    /** The struct {@code mi_patch_box} returns. */
    public static final StructType PATCH_BOX_TYPE = new StructType()
            .add("x", DataTypes.DoubleType, false)
            .add("y", DataTypes.DoubleType, false)
            .add("width", DataTypes.DoubleType, false)
            .add("height", DataTypes.DoubleType, false)
            .add("center_x", DataTypes.DoubleType, false)
            .add("center_y", DataTypes.DoubleType, false);

    /**
     * One SQL function: its name, its {@code DESCRIBE FUNCTION} text and the builder that turns the
     * call's argument expressions into the expression that computes it.
     *
     * @param identifier the function's name
     * @param info what {@code DESCRIBE FUNCTION EXTENDED} shows
     * @param builder argument expressions to the computing expression
     */
    public record SqlFunction(FunctionIdentifier identifier, ExpressionInfo info,
                              Function1<Seq<Expression>, Expression> builder) {

        /**
         * @return the builder typed as Spark's {@code FunctionBuilder}: Scala 2.12 declares it over
         *     {@code scala.collection.Seq}, Scala 2.13 over {@code scala.collection.immutable.Seq} (a
         *     subtype, so {@link #builder} accepts what either passes); the raw type compiles for both
         */
        @SuppressWarnings("rawtypes")
        public Function1 builderForSpark() {
            return builder;
        }
    }

    private static final UserDefinedFunction TOKEN_CLASS_UDF = udf(
            (UDF2<String, Boolean, String>) (text, marks) -> {
                TokenClass c = TokenClass.of(text, Boolean.TRUE.equals(marks));
                return c == null ? null : c.sqlName();
            }, DataTypes.StringType).withName(TOKEN_CLASS);

    /** {@code mi_patch_box} over the box [x, x + width) x [y, y + height); the six-argument form's box is at 0, 0. */
    private static final UserDefinedFunction PATCH_BOX_UDF = udf(
            (UDF8<Integer, Integer, Integer, Integer, Double, Double, Double, Double, Row>)
            (row, col, rows, cols, x, y, w, h) -> {
                if (row == null || col == null || rows == null || cols == null || x == null || y == null || w == null
                        || h == null) {
                    return null;
                }
                PatchBox b = PatchBox.inRegion(row, col, rows, cols, x, y, w, h);
                return RowFactory.create(b.x(), b.y(), b.width(), b.height(), b.centerX(), b.centerY());
            }, PATCH_BOX_TYPE).withName(PATCH_BOX);

    private static final TopTokens TOP_TOKENS_UDAF = new TopTokens();

    private MaskImpactFunctions() {
    }

    /**
     * Registers every function in a session, replacing other functions of the same names. Calling
     * it again, or in a session started with {@link MaskImpactExtensions}, changes nothing.
     *
     * @param spark the session
     */
    public static void register(SparkSession spark) {
        FunctionRegistry registry = spark.sessionState().functionRegistry();
        for (SqlFunction f : functions()) {
            Option<ExpressionInfo> existing = registry.lookupFunction(f.identifier());
            if (existing.isDefined() && MaskImpactFunctions.class.getName().equals(existing.get().getClassName())) {
                continue;
            }
            registry.registerFunction(f.identifier(), f.info(), f.builderForSpark());
        }
    }

    /** @return every function, in name order */
    public static List<SqlFunction> functions() {
        return List.of(
                function(NORMALIZE, 1, 2,
                        "_FUNC_(value [, method]) - value rescaled within its (run_id, pair_id, generation_step,"
                                + " layer, variant) group; method: 'max' (value / max |value|, the default),"
                                + " 'minmax', 'sum' (share of the total) or 'zscore'. A window function:"
                                + " use it in the SELECT list of a query over the impact table.",
                        "\n    Examples:\n      > SELECT _FUNC_(l2_distance) FROM impact;\n"
                                + "      > SELECT _FUNC_(cosine_distance, 'zscore') FROM impact;\n  ",
                        args -> {
                            Normalize method = args.size() == 2 ? Normalize.named(stringLiteral(NORMALIZE, args.apply(1)))
                                    : Normalize.MAX;
                            return ColumnExpressions.expression(method.apply(column(args.apply(0))));
                        }),
                function(PATCH_BOX, 3, 6,
                        "_FUNC_(patch_row, patch_col, region) or _FUNC_(patch_row, patch_col, grid_rows, grid_cols,"
                                + " image_width, image_height) - the pixel box struct<x, y, width, height, center_x,"
                                + " center_y> of a vision token's grid cell: in the original image when given the"
                                + " token's region (pairs.regions[image_index]), else when the grid covers an image"
                                + " of that size; null when any argument is null.",
                        "\n    Examples:\n      > SELECT _FUNC_(0, 1, 2, 2, 640, 480);\n"
                                + "       {\"x\":320.0,\"y\":0.0,\"width\":320.0,\"height\":240.0,\"center_x\":480.0,\"center_y\":120.0}\n"
                                + "      > SELECT _FUNC_(i.patch_row, i.patch_col, p.regions[i.image_index]) FROM impact i"
                                + " JOIN pairs p USING (run_id, pair_id);\n  ",
                        MaskImpactFunctions::patchBox),
                function(TOKEN_CLASS, 1, 2,
                        "_FUNC_(text [, marks_word_starts]) - the token text's class: special, space, punctuation,"
                                + " number, wordpiece, stopword or word. Pass marks_word_starts = true when the"
                                + " tokenizer marks every word start (byte-level BPE: ' cat' vs 'ing'), so that an"
                                + " unmarked token counts as a word piece; '##' pieces always do.",
                        "\n    Examples:\n      > SELECT _FUNC_('the');\n       stopword\n"
                                + "      > SELECT _FUNC_('ing', true);\n       wordpiece\n  ",
                        args -> ColumnExpressions.expression(TOKEN_CLASS_UDF.apply(
                                column(args.apply(0)).cast(DataTypes.StringType),
                                args.size() == 2 ? column(args.apply(1)).cast(DataTypes.BooleanType) : lit(false)))),
                function(TOP_TOKENS, 3, 3,
                        "_FUNC_(token, value, k) - aggregate: the k rows with the highest value as"
                                + " array<struct<token, value>>, highest first (ties by token).",
                        "\n    Examples:\n      > SELECT layer, _FUNC_(token_masked, l2_distance, 5) FROM impact GROUP BY layer;\n  ",
                        args -> {
                            Column call = TOP_TOKENS_UDAF.apply(column(args.apply(0)), column(args.apply(1)),
                                    column(args.apply(2)));
                            // The bare aggregate function, so that the analyzer wraps it (DISTINCT, FILTER, OVER).
                            return ((AggregateExpression) ColumnExpressions.expression(call)).aggregateFunction();
                        }));
    }

    /** {@code mi_patch_box} with a region struct (3 arguments) or a grid and an image size (6). */
    private static Expression patchBox(Seq<Expression> args) {
        Column row = column(args.apply(0)).cast(DataTypes.IntegerType);
        Column col = column(args.apply(1)).cast(DataTypes.IntegerType);
        if (args.size() == 3) {
            Column region = column(args.apply(2));
            return ColumnExpressions.expression(PATCH_BOX_UDF.apply(row, col,
                    region.getField(OutputSchema.GRID_ROWS).cast(DataTypes.IntegerType),
                    region.getField(OutputSchema.GRID_COLS).cast(DataTypes.IntegerType),
                    region.getField(OutputSchema.BOX_X).cast(DataTypes.DoubleType),
                    region.getField(OutputSchema.BOX_Y).cast(DataTypes.DoubleType),
                    region.getField(OutputSchema.BOX_WIDTH).cast(DataTypes.DoubleType),
                    region.getField(OutputSchema.BOX_HEIGHT).cast(DataTypes.DoubleType)));
        }
        if (args.size() != 6) {
            throw new IllegalArgumentException(String.format("Cannot call %s with %d arguments (expected 3 or 6): "
                    + "%s(patch_row, patch_col, region) or %s(patch_row, patch_col, grid_rows, grid_cols, image_width,"
                    + " image_height)", PATCH_BOX, args.size(), PATCH_BOX, PATCH_BOX));
        }
        return ColumnExpressions.expression(PATCH_BOX_UDF.apply(row, col,
                column(args.apply(2)).cast(DataTypes.IntegerType),
                column(args.apply(3)).cast(DataTypes.IntegerType),
                lit(0.0), lit(0.0),
                column(args.apply(4)).cast(DataTypes.DoubleType),
                column(args.apply(5)).cast(DataTypes.DoubleType)));
    }

    private interface Builder {
        Expression build(Seq<Expression> args);
    }

    private static SqlFunction function(String name, int minArgs, int maxArgs, String usage, String examples,
                                        Builder builder) {
        ExpressionInfo info = new ExpressionInfo(MaskImpactFunctions.class.getName(), null, name, usage,
                "", examples, "", "", "", "", "java_udf");
        Function1<Seq<Expression>, Expression> checked = new AbstractFunction1<>() {
            @Override
            public Expression apply(Seq<Expression> args) {
                if (args.size() < minArgs || args.size() > maxArgs) {
                    String expected = minArgs == maxArgs ? String.valueOf(minArgs) : minArgs + " or " + maxArgs;
                    throw new IllegalArgumentException(String.format(
                            "Cannot call %s with %d arguments (expected %s): %s", name, args.size(), expected,
                            usage.replace("_FUNC_", name)));
                }
                return builder.build(args);
            }
        };
        return new SqlFunction(new FunctionIdentifier(name), info, checked);
    }

    private static Column column(Expression e) {
        return ColumnExpressions.column(e);
    }

    private static String stringLiteral(String function, Expression e) {
        if (!e.foldable()) {
            throw new IllegalArgumentException(String.format(
                    "Cannot call %s: its second argument must be a constant string (got %s)", function, e.sql()));
        }
        Object value = e.eval(null);
        if (value == null) {
            throw new IllegalArgumentException(String.format(
                    "Cannot call %s: its second argument must not be null", function));
        }
        return value.toString();
    }
}
