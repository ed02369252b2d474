package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskimpact.family.TinyModels;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.toy.ToyData;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyLayoutsTest {

    @Test
    void llavaCellsAreItsPatches() throws ModelLoadException {
        assertThat(ToyLayouts.forModel(TinyModels.modelsDir().resolve("tiny-llava"))).isEqualTo(ToyData.DEFAULT);
        assertThat(ToyLayouts.forModel(TinyModels.modelsDir().resolve("bench-grid16")))
                .as("a 256-pixel CLIP with 16-pixel patches sees 16x16 cells").isEqualTo(new ToyData.Layout(16, 16));
    }

    @Test
    void qwenCellsAreItsMergedPatchesWithinItsPixelBounds() throws ModelLoadException {
        assertThat(ToyLayouts.forModel(TinyModels.modelsDir().resolve("tiny-qwen3-vl")))
                .as("patch 16 x merge 2; 192 pixels lie within its bounds").isEqualTo(new ToyData.Layout(6, 32));
        assertThat(ToyLayouts.forModel(TinyModels.modelsDir().resolve("parity/qwen3-vl")))
                .as("at most 16384 pixels: smart_resize takes 192 down to 128").isEqualTo(new ToyData.Layout(4, 32));
        assertThat(ToyLayouts.forModel(TinyModels.modelsDir().resolve("parity/qwen2-vl")))
                .as("patch 14 x merge 2, at most 12544 pixels").isEqualTo(new ToyData.Layout(4, 28));
    }

    @Test
    void aFolderWithoutProcessorIsRefusedInOneLine(@TempDir Path empty) {
        assertThatThrownBy(() -> ToyLayouts.forModel(empty)).isInstanceOf(ModelLoadException.class)
                .message().doesNotContain("\n");
    }

    @Test
    void toyDataWritesOnTheModelsGrid(@TempDir Path out) throws IOException {
        int code = MaskImpact.commandLine().execute("toy-data", "--n", "2", "--out", out.toString(),
                "--model", TinyModels.modelsDir().resolve("tiny-qwen3-vl").toString());
        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(javax.imageio.ImageIO.read(out.resolve("images/toy-1-0.png").toFile()).getWidth()).isEqualTo(192);
    }
}
