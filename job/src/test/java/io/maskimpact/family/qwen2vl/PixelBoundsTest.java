package io.maskimpact.family.qwen2vl;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.maskimpact.family.Families;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.model.image.ProcessorOverrides;
import org.junit.jupiter.api.Test;

import io.maskimpact.input.PixelImage;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job's --min-pixels / --max-pixels reach the Qwen-VL image processor (each image then has its own, smaller or
 * larger, grid of image tokens), and are refused with one line for a family whose processor has no pixel bounds.
 */
class PixelBoundsTest {

    @Test
    void maxPixelsBoundsTheImageTokensOfEachPair() throws Exception {
        QwenReference ref = QwenReference.read("qwen2-vl");
        JsonObject large = ref.pairs().stream().filter(p -> p.get("pair_id").getAsString().equals("large")).findFirst().orElseThrow();
        PixelImage image = ref.image(large);
        Path dir = TinyModels.modelsDir().resolve("parity/qwen2-vl");
        ImageRegion own = region(dir, ProcessorOverrides.NONE, image);
        ImageRegion bounded = region(dir, new ProcessorOverrides(null, 28L * 28 * 4, null), image);
        ImageRegion raised = region(dir, new ProcessorOverrides(28L * 28 * 30, 28L * 28 * 40, null), image);
        assertThat(own.tokenCount()).as("640x480 under the checkpoint's max_pixels 12544: transformers' image tokens")
                .isEqualTo(large.getAsJsonArray("image_token_positions").size());
        assertThat(bounded.tokenCount()).as("--max-pixels 3136 (4 cells of 28x28 pixels)").isLessThanOrEqualTo(4);
        assertThat(raised.tokenCount()).as("--min-pixels 23520: at least 30 cells").isGreaterThanOrEqualTo(30);
        assertThat((double) raised.gridCols() / raised.gridRows()).as("the aspect ratio survives (640x480)").isBetween(1.1, 1.6);
    }

    @Test
    void pixelBoundsForAModelWithoutThemFailTheLoad() {
        Path llava = TinyModels.modelsDir().resolve(TinyModels.LLAVA);
        assertThatThrownBy(() -> Families.load(llava, "cpu", new ProcessorOverrides(null, 50_000L, null)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("do not apply to llava models")
                .hasMessageContaining("--max-pixels");
    }

    private static ImageRegion region(Path dir, ProcessorOverrides overrides, PixelImage image) throws Exception {
        try (Vlm model = Families.load(dir, "cpu", overrides); NDManager pair = model.manager().newSubManager()) {
            return model.prompts().prepare(image, "What is in the image?", pair).regions().get(0);
        }
    }
}
