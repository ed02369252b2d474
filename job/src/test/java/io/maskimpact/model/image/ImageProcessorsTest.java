package io.maskimpact.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.maskimpact.input.ImageLoader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each family's processor, built from a config folder, against transformers' {@code *ImageProcessorPil} on the
 * same files (grey, palette, alpha, 16-bit, odd sizes, smaller and larger than the target, elongated).
 */
class ImageProcessorsTest {
    /**
     * The bound on {@code pixel_values}: the brief asked for 1e-5; the same IEEE operations in the same order give
     * the same floats, so none may differ at all.
     */
    private static final double TOLERANCE = 0;

    private final ImageLoader loader = new ImageLoader(new Configuration(), 1 << 20, 1 << 24);

    @ParameterizedTest
    @ValueSource(strings = {"clip", "clip-pad", "siglip", "gemma3", "gemma3-pan-and-scan", "qwen2-vl", "qwen3-vl-legacy",
            "idefics3", "smolvlm"})
    void pixelValuesMatchTransformers(String name) throws Exception {
        JsonObject expected = Goldens.json("processors/" + name + "/expected.json");
        byte[] blob = Goldens.blob("processors/" + name + "/pixel_values.bin.gz");
        double maxDiff = 0;
        long identical = 0;
        long total = 0;
        for (JsonElement e : expected.getAsJsonArray("runs")) {
            JsonObject run = e.getAsJsonObject();
            String what = name + " on " + run.get("image").getAsString() + " with " + run.get("overrides");
            ImagePipeline pipeline = ImageProcessors.forModel(Goldens.file("processors/" + name), overrides(run.getAsJsonObject("overrides")));
            ProcessedImage out = pipeline.process(PilRgbTest.loadLikeTransformers(loader, run.get("image").getAsString()));

            float[] want = Goldens.floats(blob, run.getAsJsonObject("pixelValues"));
            int[] wantShape = ints(run.getAsJsonArray("shape").toString());
            assertThat(shape(out, wantShape.length)).as("%s: pixel_values shape", what).containsExactly(wantShape);
            float[] got = concat(out);
            for (int i = 0; i < want.length; i++) {
                double d = Math.abs(got[i] - want[i]);
                maxDiff = Math.max(maxDiff, d);
                identical += d == 0 ? 1 : 0;
            }
            total += want.length;
            assertThat(maxDiff).as("%s: every value within %s of transformers'", what, TOLERANCE).isLessThanOrEqualTo(TOLERANCE);
            if (run.has("imageGridThw")) {
                PatchGrid grid = out.patchGrid().orElseThrow();
                assertThat(new int[] {grid.t(), grid.h(), grid.w()}).as("%s: image_grid_thw", what)
                        .containsExactly(ints(run.getAsJsonArray("imageGridThw").toString()));
            }
            if (run.has("rows")) {
                assertThat(out.tileRows()).as("%s: tile rows", what).isEqualTo(run.get("rows").getAsInt());
                assertThat(out.tileCols()).as("%s: tile cols", what).isEqualTo(run.get("cols").getAsInt());
            }
            if (run.has("numCrops")) {
                assertThat(out.cropCount()).as("%s: num_crops", what).isEqualTo(run.get("numCrops").getAsInt());
            }
        }
        System.out.printf("%s vs transformers %s: %d values, %.4f%% identical, max |diff| %.3g%n", name,
                expected.getAsJsonObject("versions").get("transformers").getAsString(), total, 100.0 * identical / total, maxDiff);
    }

    private static ProcessorOverrides overrides(JsonObject o) {
        return new ProcessorOverrides(o.has("min_pixels") ? o.get("min_pixels").getAsLong() : null,
                o.has("max_pixels") ? o.get("max_pixels").getAsLong() : null,
                o.has("do_image_splitting") ? o.get("do_image_splitting").getAsBoolean() : null);
    }

    /** transformers' layout: one region is (N, C*T*P*P) for Qwen or (1, C, H, W); several are stacked. */
    private static int[] shape(ProcessedImage out, int rank) {
        int[] region = out.regions().get(0).shape();
        if (rank == region.length) {
            return region;
        }
        int[] stacked = new int[region.length + 1];
        stacked[0] = out.regions().size();
        System.arraycopy(region, 0, stacked, 1, region.length);
        return stacked;
    }

    private static float[] concat(ProcessedImage out) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (ImageRegion r : out.regions()) {
            parts.add(r.values());
            n += r.values().length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static int[] ints(String jsonArray) {
        return Arrays.stream(jsonArray.replaceAll("[\\[\\] ]", "").split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
