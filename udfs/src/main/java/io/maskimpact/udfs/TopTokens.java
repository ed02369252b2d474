package io.maskimpact.udfs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.MutableAggregationBuffer;
import org.apache.spark.sql.expressions.UserDefinedAggregateFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The aggregate {@code mi_top_tokens(token, value, k)}: the {@code k} rows of a group with the
 * highest {@code value}, as {@code array<struct<token: string, value: double>>}, highest first.
 *
 * <p>Each input row is one entry: a token that occurs at several positions can appear several
 * times (pass {@code concat(token_position, ':', token_masked)} to tell them apart, or aggregate
 * first). Rows with a null token or a null or NaN value are skipped. Ties on the value are broken
 * by the token text, so the result does not depend on how the rows are partitioned. {@code k} must
 * be the same in every row of a group and lie in 1..{@value #MAX_K}.
 *
 * <pre>
 * SELECT layer, mi_top_tokens(token_masked, l2_distance, 5) AS top
 * FROM impact WHERE variant = 'Full' GROUP BY layer
 * </pre>
 *
 * <p>This class is a {@link UserDefinedAggregateFunction} on purpose: it is the one kind of class
 * that {@code CREATE TEMPORARY FUNCTION mi_top_tokens AS 'io.maskimpact.udfs.TopTokens' USING JAR ...}
 * accepts in every Spark 3.5 session, with or without Hive support. The deprecation of that API
 * costs nothing here: the buffer is touched only when a row enters the current top k, so an
 * update is two scalar reads for most rows.
 */
@SuppressWarnings("deprecation") // UserDefinedAggregateFunction: see the class comment
public final class TopTokens extends UserDefinedAggregateFunction {

    /** The largest {@code k} accepted; keeps a group's buffer small. */
    public static final int MAX_K = 10_000;

    /** The result's element: {@code struct<token: string, value: double>}. */
    public static final StructType ENTRY = new StructType()
            .add("token", DataTypes.StringType, false)
            .add("value", DataTypes.DoubleType, false);

    private static final long serialVersionUID = 1L;

    // buffer fields
    private static final int K = 0;
    private static final int N = 1;
    private static final int LAST_VALUE = 2;
    private static final int LAST_TOKEN = 3;
    private static final int TOKENS = 4;
    private static final int VALUES = 5;

    private static final Comparator<Entry> ORDER =
            Comparator.comparingDouble(Entry::value).reversed().thenComparing(Entry::token);

    private record Entry(String token, double value) {
    }

    @Override
    public StructType inputSchema() {
        return new StructType()
                .add("token", DataTypes.StringType)
                .add("value", DataTypes.DoubleType)
                .add("k", DataTypes.IntegerType);
    }

    @Override
    public StructType bufferSchema() {
        return new StructType()
                .add("k", DataTypes.IntegerType)
                .add("n", DataTypes.IntegerType)
                .add("last_value", DataTypes.DoubleType)
                .add("last_token", DataTypes.StringType)
                .add("tokens", DataTypes.createArrayType(DataTypes.StringType, false))
                .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false));
    }

    @Override
    public DataType dataType() {
        return DataTypes.createArrayType(ENTRY, false);
    }

    @Override
    public boolean deterministic() {
        return true;
    }

    @Override
    public void initialize(MutableAggregationBuffer buffer) {
        buffer.update(K, 0);
        buffer.update(N, 0);
        buffer.update(LAST_VALUE, Double.NEGATIVE_INFINITY);
        buffer.update(LAST_TOKEN, "");
        buffer.update(TOKENS, new String[0]);
        buffer.update(VALUES, new Double[0]);
    }

    @Override
    public void update(MutableAggregationBuffer buffer, Row input) {
        if (input.isNullAt(0) || input.isNullAt(1) || input.isNullAt(2)) {
            return;
        }
        double value = input.getDouble(1);
        if (Double.isNaN(value)) {
            return;
        }
        int k = agreeOnK(buffer.getInt(K), checkK(input.getInt(2)));
        buffer.update(K, k);
        int n = buffer.getInt(N);
        if (n >= k) {
            // Cheap rejection: most rows do not beat the current k-th entry.
            double lastValue = buffer.getDouble(LAST_VALUE);
            if (value < lastValue) {
                return;
            }
            if (value == lastValue && input.getString(0).compareTo(buffer.getString(LAST_TOKEN)) >= 0) {
                return;
            }
        }
        List<Entry> entries = entries(buffer);
        entries.add(new Entry(input.getString(0), value));
        store(buffer, entries, k);
    }

    @Override
    public void merge(MutableAggregationBuffer buffer, Row other) {
        int otherK = other.getInt(K);
        if (otherK == 0) {
            return;
        }
        int k = agreeOnK(buffer.getInt(K), otherK);
        List<Entry> entries = entries(buffer);
        entries.addAll(entries(other));
        buffer.update(K, k);
        store(buffer, entries, k);
    }

    @Override
    public Object evaluate(Row buffer) {
        List<Entry> entries = entries(buffer);
        Row[] rows = new Row[entries.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = RowFactory.create(entries.get(i).token(), entries.get(i).value());
        }
        return rows;
    }

    private static List<Entry> entries(Row buffer) {
        List<String> tokens = buffer.getList(TOKENS);
        List<Double> values = buffer.getList(VALUES);
        List<Entry> entries = new ArrayList<>(tokens.size() + 1);
        for (int i = 0; i < tokens.size(); i++) {
            entries.add(new Entry(tokens.get(i), values.get(i)));
        }
        return entries;
    }

    private static void store(MutableAggregationBuffer buffer, List<Entry> entries, int k) {
        entries.sort(ORDER);
        int n = Math.min(k, entries.size());
        String[] tokens = new String[n];
        Double[] values = new Double[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = entries.get(i).token();
            values[i] = entries.get(i).value();
        }
        buffer.update(N, n);
        buffer.update(TOKENS, tokens);
        buffer.update(VALUES, values);
        buffer.update(LAST_VALUE, n == 0 ? Double.NEGATIVE_INFINITY : values[n - 1]);
        buffer.update(LAST_TOKEN, n == 0 ? "" : tokens[n - 1]);
    }

    private static int checkK(int k) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException(String.format(
                    "Cannot compute mi_top_tokens: k must lie in 1..%d (got %d)", MAX_K, k));
        }
        return k;
    }

    private static int agreeOnK(int current, int k) {
        if (current != 0 && current != k) {
            throw new IllegalArgumentException(String.format(
                    "Cannot compute mi_top_tokens: k must be the same in every row of a group (got %d and %d)",
                    current, k));
        }
        return k;
    }
}
