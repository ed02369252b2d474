package io.maskimpact.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskimpact.model.ModelLoadException;
import io.maskimpact.family.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the image processor's config, and one clear line for every setting that is not reproduced. */
class ImageProcessorConfigTest {
    @TempDir
    Path model;

    private void write(String file, String json) throws Exception {
        Files.writeString(model.resolve(file), json);
    }

    private void preprocessor(String json) throws Exception {
        write("preprocessor_config.json", json);
    }

    @Test
    void theNestedObjectOfProcessorConfigComesFirst() throws Exception {
        preprocessor("{\"image_processor_type\": \"CLIPImageProcessor\"}");
        write("processor_config.json", "{\"image_processor\": {\"image_processor_type\": \"SiglipImageProcessor\"}}");
        assertThat(ImageProcessors.forModel(model, ProcessorOverrides.NONE).name())
                .as("transformers reads processor_config.json's image_processor before preprocessor_config.json")
                .isEqualTo("SiglipImageProcessor");
    }

    @Test
    void aProcessorConfigWithoutImageSettingsFallsBackToThePreprocessorConfig() throws Exception {
        preprocessor("{\"image_processor_type\": \"CLIPImageProcessorFast\"}");
        write("processor_config.json", "{\"image_token\": \"<image>\"}");
        assertThat(ImageProcessors.forModel(model, ProcessorOverrides.NONE).name()).isEqualTo("CLIPImageProcessor");
    }

    @Test
    void theShippedCheckpointsLoad() throws Exception {
        PixelImage image = PixelImage.blank(100, 73, 3);
        ImagePipeline clip = ImageProcessors.forModel(TinyModels.modelsDir().resolve(TinyModels.LLAVA), ProcessorOverrides.NONE);
        ImageRegion region = clip.process(image).regions().get(0);
        assertThat(clip.name()).isEqualTo("CLIPImageProcessor");
        assertThat(region.width() + "x" + region.height()).as("crop_size 96x96").isEqualTo("96x96");
        ImagePipeline siglip = ImageProcessors.forModel(TinyModels.modelsDir().resolve("tiny-llava-qwen2-siglip"), ProcessorOverrides.NONE);
        assertThat(siglip.name()).isEqualTo("SiglipImageProcessor");
        assertThat(siglip.process(image).regions().get(0).shape()).as("size 64x64, channels first").containsExactly(3, 64, 64);
    }

    @Test
    void noConfigIsOneLine() {
        assertThatThrownBy(() -> ImageProcessors.forModel(model, ProcessorOverrides.NONE))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no image processor config")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnknownTypeNamesTheSupportedOnes() throws Exception {
        preprocessor("{\"image_processor_type\": \"LlavaNextImageProcessor\"}");
        assertThatThrownBy(() -> ImageProcessors.forModel(model, ProcessorOverrides.NONE))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("LlavaNextImageProcessor")
                .hasMessageContaining("Qwen2VLImageProcessor")
                .hasMessageContaining("preprocessor_config.json");
    }

    @Test
    void settingsThatWouldChangePixelsFailNamingTheKey() throws Exception {
        String[][] cases = {
                {"{\"image_processor_type\": \"CLIPImageProcessor\", \"resample\": 7}", "resample"},
                {"{\"image_processor_type\": \"CLIPImageProcessor\", \"do_pad\": true, \"pad_size\": {\"height\": 9, \"width\": 9}}", "pad_size"},
                {"{\"image_processor_type\": \"SiglipImageProcessor\", \"data_format\": \"channels_last\"}", "data_format"},
                {"{\"image_processor_type\": \"SiglipImageProcessor\", \"size\": {\"longest_edge\": 9}}", "size"},
                {"{\"image_processor_type\": \"SiglipImageProcessor\", \"image_mean\": [0.5, 0.5]}", "image_mean"},
                {"{\"image_processor_type\": \"SiglipImageProcessor\", \"do_center_crop\": true}", "crop_size"},
                {"{\"image_processor_type\": \"Gemma3ImageProcessor\", \"do_pan_and_scan\": true}", "pan_and_scan_min_crop_size"},
                {"{\"image_processor_type\": \"Qwen2VLImageProcessor\", \"size\": {\"min_pixels\": 9, \"max_pixels\": 99}}", "size"},
                {"{\"image_processor_type\": \"Qwen2VLImageProcessor\", \"patch_size\": 0}", "patch_size"},
                {"{\"image_processor_type\": \"Idefics3ImageProcessor\", \"max_image_size\": {\"height\": 9, \"width\": 9}}", "max_image_size"},
        };
        for (String[] c : cases) {
            preprocessor(c[0]);
            assertThatThrownBy(() -> ImageProcessors.forModel(model, ProcessorOverrides.NONE))
                    .as("%s is rejected", c[0])
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining(c[1])
                    .hasMessageContaining("preprocessor_config.json")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void overridesApplyOnlyWhereTheyMeanSomething() throws Exception {
        preprocessor("{\"image_processor_type\": \"CLIPImageProcessor\"}");
        assertThatThrownBy(() -> ImageProcessors.forModel(model, new ProcessorOverrides(3136L, null, null)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("Qwen2-VL");
        assertThatThrownBy(() -> ImageProcessors.forModel(model, new ProcessorOverrides(null, null, false)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("Idefics3");
    }
}
