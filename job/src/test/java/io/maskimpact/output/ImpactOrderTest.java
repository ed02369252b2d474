package io.maskimpact.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The file order of a step's rows: variant name as UTF-8 bytes, layer, token position. */
class ImpactOrderTest {

    @Test
    void variantNamesRankAsSparkComparesStrings() {
        // "Head_10" sorts before "Head_2"; U+1F600 (a surrogate pair in Java) sorts after U+FF5E as UTF-8
        String[] names = {"Full", "Attn", "Head_2", "Head_10", "\uFF5E", "\uD83D\uDE00"};
        assertThat(ImpactOrder.variantRanks(names)).containsExactly(1, 0, 3, 2, 4, 5);
        assertThat("\uD83D\uDE00".compareTo("\uFF5E")).as("Java's own order disagrees").isNegative();
    }

    @Test
    void rowsAlreadyInOrderAreLeftAlone() {
        int[] rank = {0, 1};
        assertThat(ImpactOrder.permutation(rank, new short[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}, new int[] {5, 2, 1, 9}))
                .isNull();
    }

    @Test
    void theAnalyzersLayerMajorOrderIsSortedByVariantThenLayerThenPosition() {
        Random random = new Random(7);
        int layers = 3;
        int[] positions = {0, 4, 5, 9};
        int variants = 14;
        String[] names = new String[variants];
        for (int v = 0; v < variants; v++) {
            names[v] = v < 2 ? (v == 0 ? "Full" : "Attn") : "Head_" + (v - 2);
        }
        List<int[]> rows = new ArrayList<>();    // (layer, position, variant) in the analyzer's order
        for (int l = 0; l < layers; l++) {
            for (int p : positions) {
                for (int v = 0; v < variants; v++) {
                    rows.add(new int[] {l, p, v});
                }
            }
        }
        java.util.Collections.shuffle(rows, random);  // any order at all is put right, not only the analyzer's
        int n = rows.size();
        int[] layer = rows.stream().mapToInt(r -> r[0]).toArray();
        int[] position = rows.stream().mapToInt(r -> r[1]).toArray();
        short[] variant = new short[n];
        for (int i = 0; i < n; i++) {
            variant[i] = (short) rows.get(i)[2];
        }
        int[] rank = ImpactOrder.variantRanks(names);
        int[] order = ImpactOrder.permutation(rank, variant, layer, position);

        assertThat(order).hasSize(n);
        assertThat(java.util.Arrays.stream(order).sorted().toArray()).as("a permutation")
                .isEqualTo(java.util.stream.IntStream.range(0, n).toArray());
        List<String> keys = new ArrayList<>();
        for (int i : order) {
            keys.add(String.format("%s/%d/%d", names[variant[i]], layer[i], position[i]));
        }
        assertThat(keys.get(0)).isEqualTo("Attn/0/0");
        assertThat(keys.get(1)).isEqualTo("Attn/0/4");
        assertThat(keys.get(positions.length)).isEqualTo("Attn/1/0");
        assertThat(keys.get(layers * positions.length)).isEqualTo("Full/0/0");
        assertThat(keys.get(2 * layers * positions.length)).isEqualTo("Head_0/0/0");
        assertThat(keys.get(3 * layers * positions.length)).as("Head_10 before Head_2").isEqualTo("Head_1/0/0");
        assertThat(keys.get(4 * layers * positions.length)).isEqualTo("Head_10/0/0");
        assertThat(keys.get(n - 1)).isEqualTo("Head_9/2/9");
        for (int i = 1; i < n; i++) {
            int a = order[i - 1];
            int b = order[i];
            int c = Integer.compare(rank[variant[a]], rank[variant[b]]);
            c = c != 0 ? c : Integer.compare(layer[a], layer[b]);
            c = c != 0 ? c : Integer.compare(position[a], position[b]);
            assertThat(c).as("rows %d, %d", i - 1, i).isNegative();
        }
    }
}
