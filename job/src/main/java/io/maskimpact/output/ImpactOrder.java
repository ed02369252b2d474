package io.maskimpact.output;

import io.maskimpact.schema.OutputSchema;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.IntUnaryOperator;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The order of rows inside an {@code impact} file ({@link OutputSchema#IMPACT_SORT_KEY} within one
 * generation step), produced while the rows are made instead of by a Spark sort: a task's pairs
 * come in pair_id order, and each pair's rows of a step in (variant, layer, token_position) order.
 * Spark's sort of the rows compared strings row by row and was the largest single cost of the write
 * (docs/BENCHMARKS.md, throughput section); ordering a step's columns here is a linear pass.
 */
public final class ImpactOrder {
    /**
     * Strings in the order Spark sorts them and Parquet's statistics compare them: unsigned UTF-8
     * bytes (Java's own String order differs for characters beyond the Basic Multilingual Plane).
     */
    public static final Comparator<String> STRINGS = Comparator.comparing(UTF8String::fromString);

    private ImpactOrder() {
    }

    /**
     * @param names variant names, by variant index
     * @return each variant index's rank in {@link #STRINGS} order
     */
    static int[] variantRanks(String[] names) {
        Integer[] byName = new Integer[names.length];
        Arrays.setAll(byName, i -> i);
        Arrays.sort(byName, Comparator.comparing(i -> names[i], STRINGS));
        int[] rank = new int[names.length];
        for (int r = 0; r < byName.length; r++) {
            rank[byName[r]] = r;
        }
        return rank;
    }

    /**
     * The row order of one step's columns that sorts them by variant rank, layer, token position.
     *
     * @param rank {@link #variantRanks} of the pair's variants
     * @param variant variant index per row
     * @param layer layer per row
     * @param position token position per row
     * @return the rows' indexes in sorted order, or null when the rows are already sorted (what
     *     the analyzer gives, so the usual cost is one comparison per row)
     */
    static int[] permutation(int[] rank, short[] variant, int[] layer, int[] position) {
        int n = layer.length;
        if (isSorted(rank, variant, layer, position)) {
            return null;
        }
        // Stable counting sorts from the least significant key up (a radix sort over three keys).
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        order = countingSort(order, i -> position[i], 1 + Arrays.stream(position).max().orElse(0));
        order = countingSort(order, i -> layer[i], 1 + Arrays.stream(layer).max().orElse(0));
        return countingSort(order, i -> rank[variant[i]], rank.length);
    }

    private static boolean isSorted(int[] rank, short[] variant, int[] layer, int[] position) {
        for (int i = 1; i < layer.length; i++) {
            int c = Integer.compare(rank[variant[i - 1]], rank[variant[i]]);
            if (c == 0) {
                c = Integer.compare(layer[i - 1], layer[i]);
            }
            if (c == 0) {
                c = Integer.compare(position[i - 1], position[i]);
            }
            if (c > 0) {
                return false;
            }
        }
        return true;
    }

    private static int[] countingSort(int[] rows, IntUnaryOperator key, int range) {
        int[] start = new int[range + 1];
        for (int row : rows) {
            start[key.applyAsInt(row) + 1]++;
        }
        for (int k = 0; k < range; k++) {
            start[k + 1] += start[k];
        }
        int[] sorted = new int[rows.length];
        for (int row : rows) {
            sorted[start[key.applyAsInt(row)]++] = row;
        }
        return sorted;
    }
}
