package io.maskimpact.udfs;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.maskimpact.schema.OutputSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The SQL function {@code mi_normalize(value [, method])}: a value rescaled within its group of
 * the {@code impact} table, i.e. among the rows with the same {@code (run_id, pair_id,
 * generation_step, layer, variant)}.
 *
 * <p>A row-at-a-time UDF cannot see its group, so this function is not a UDF: its builder expands
 * the call into window aggregates over {@link #GROUP}, which the analyzer then resolves against the
 * query's input. {@code SELECT mi_normalize(l2_distance) FROM impact} is exactly
 *
 * <pre>
 * SELECT CASE WHEN l2_distance IS NULL THEN NULL
 *             WHEN max(abs(l2_distance)) OVER g &gt; 0 THEN l2_distance / max(abs(l2_distance)) OVER g
 *             ELSE 0 END
 * FROM impact WINDOW g AS (PARTITION BY run_id, pair_id, generation_step, layer, variant)
 * </pre>
 *
 * <p>So it may be used where a window function may (the {@code SELECT} list, not {@code WHERE} or
 * {@code GROUP BY}; filter in an outer query), its input must have the five group columns, and it
 * costs one shuffle by the group, shared with other window functions over the same partitioning.
 * A group whose values are all equal (or all zero) normalises to 0.
 */
public enum Normalize {
    /** {@code value / max(|value|)}: the group's strongest row is 1; distances stay in [0, 1]. The default. */
    MAX,
    /** {@code (value - min) / (max - min)}: [0, 1] with the weakest row at 0. */
    MINMAX,
    /** {@code value / sum(value)}: the row's share of the group's total. */
    SUM,
    /** {@code (value - mean) / population standard deviation}. */
    ZSCORE;

    /** The columns whose values define a group. */
    public static final List<String> GROUP = List.of(OutputSchema.RUN_ID, OutputSchema.PAIR_ID,
            OutputSchema.GENERATION_STEP, OutputSchema.LAYER, OutputSchema.VARIANT);

    /**
     * @param name a method name, any case
     * @return the method
     * @throws IllegalArgumentException for an unknown name
     */
    public static Normalize named(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format(
                    "Cannot normalise by '%s': unknown method (expected one of %s)",
                    name, Arrays.toString(values()).toLowerCase(Locale.ROOT)), e);
        }
    }

    /** @return the name the SQL function takes */
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Builds the normalised column.
     *
     * @param value the column to normalise (cast to double)
     * @return a double column, null where {@code value} is null
     */
    public Column apply(Column value) {
        WindowSpec group = Window.partitionBy(GROUP.stream().map(org.apache.spark.sql.functions::col)
                .toArray(Column[]::new));
        Column v = value.cast(DataTypes.DoubleType);
        Column zero = lit(0.0);
        Column scaled = switch (this) {
            case MAX -> {
                Column m = max(abs(v)).over(group);
                yield when(m.gt(0), v.divide(m)).otherwise(zero);
            }
            case MINMAX -> {
                Column lo = min(v).over(group);
                Column range = max(v).over(group).minus(lo);
                yield when(range.gt(0), v.minus(lo).divide(range)).otherwise(zero);
            }
            case SUM -> {
                Column total = sum(v).over(group);
                yield when(total.notEqual(0), v.divide(total)).otherwise(zero);
            }
            case ZSCORE -> {
                Column sd = stddev_pop(v).over(group);
                yield when(sd.gt(0), v.minus(avg(v).over(group)).divide(sd)).otherwise(zero);
            }
        };
        return when(v.isNull(), lit(null).cast(DataTypes.DoubleType)).otherwise(scaled);
    }
}
