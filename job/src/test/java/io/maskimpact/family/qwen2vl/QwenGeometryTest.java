package io.maskimpact.family.qwen2vl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.maskimpact.model.PositionIds;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The family's index arithmetic against transformers 5.17's own functions on several patch grids (goldens
 * from {@code models/reference/qwen_geometry.py}): patch positions in merge-block order, Qwen2.5-VL's window
 * order and boundaries, Qwen3-VL's bilinear taps and weights (float32, exact), and get_rope_index's 3-D
 * positions and delta.
 */
class QwenGeometryTest {
    private static final String STALE = " (regenerate with models/reference/qwen_geometry.py)";

    private static JsonObject goldens() throws Exception {
        try (InputStream in = QwenGeometryTest.class.getResourceAsStream("/qwen/geometry.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    @Test
    void patchPositionsWindowsAndTapsEqualTransformers() throws Exception {
        JsonArray grids = goldens().getAsJsonArray("grids");
        assertThat(grids).as("golden grids" + STALE).isNotEmpty();
        for (JsonElement e : grids) {
            JsonObject g = e.getAsJsonObject();
            int gh = g.getAsJsonArray("grid").get(0).getAsInt();
            int gw = g.getAsJsonArray("grid").get(1).getAsInt();
            int[][] positions = VisionGeometry.patchPositions(gh, gw, 2);
            JsonArray expected = g.getAsJsonArray("patch_positions");
            for (int axis = 0; axis < 2; axis++) {
                assertThat(positions[axis]).as("grid %dx%d: patch %s in merge-block order", gh, gw, axis == 0 ? "rows" : "columns")
                        .containsExactly(QwenReference.ints(expected.get(axis).getAsJsonArray()));
            }
            for (JsonElement w : g.getAsJsonArray("windows")) {
                JsonObject window = w.getAsJsonObject();
                int cells = window.get("window_cells").getAsInt();
                VisionGeometry.Windows windows = VisionGeometry.windows(gh, gw, 2, cells);
                assertThat(windows.cellOrder()).as("grid %dx%d, windows of %d cells: window_index", gh, gw, cells)
                        .containsExactly(QwenReference.ints(window.getAsJsonArray("cell_order")));
                assertThat(windows.bounds()).as("grid %dx%d, windows of %d cells: cu_window_seqlens", gh, gw, cells)
                        .containsExactly(QwenReference.ints(window.getAsJsonArray("bounds")));
            }
            for (JsonElement t : g.getAsJsonArray("taps")) {
                JsonObject taps = t.getAsJsonObject();
                int side = taps.get("side").getAsInt();
                VisionGeometry.Taps actual = VisionGeometry.bilinearTaps(positions, gh, gw, side);
                int[] indices = QwenReference.ints(taps.getAsJsonArray("indices"));
                double[] weights = QwenReference.doubles(taps.getAsJsonArray("weights"));
                for (int i = 0; i < indices.length; i++) {
                    assertThat(actual.indices()[i]).as("grid %dx%d, table %d: tap %d", gh, gw, side, i).isEqualTo(indices[i]);
                    assertThat(actual.weights()[i]).as("grid %dx%d, table %d: weight %d (float32, exact)", gh, gw, side, i)
                            .isEqualTo((float) weights[i]);
                }
            }
        }
    }

    @Test
    void ropeIndexEqualsTransformers() throws Exception {
        for (JsonElement e : goldens().getAsJsonArray("rope_index")) {
            JsonObject r = e.getAsJsonObject();
            int before = r.get("text_before").getAsInt();
            int after = r.get("text_after").getAsInt();
            int rows = r.getAsJsonArray("grid").get(0).getAsInt() / 2;
            int cols = r.getAsJsonArray("grid").get(1).getAsInt() / 2;
            boolean[] isImage = new boolean[before + rows * cols + after];
            for (int i = before; i < before + rows * cols; i++) {
                isImage[i] = true;
            }
            PositionIds positions = MropePositions.of(isImage, List.of(new int[] {rows, cols}));
            List<int[]> expected = new ArrayList<>();
            r.getAsJsonArray("positions").forEach(a -> expected.add(QwenReference.ints(a.getAsJsonArray())));
            for (int axis = 0; axis < 3; axis++) {
                assertThat(positions.ids()[axis]).as("%d text, %dx%d cells, %d text: axis %d", before, rows, cols, after, axis)
                        .containsExactly(expected.get(axis));
            }
            assertThat(positions.delta()).as("rope delta of %d text, %dx%d cells, %d text", before, rows, cols, after)
                    .isEqualTo(r.get("delta").getAsInt());
        }
    }
}
