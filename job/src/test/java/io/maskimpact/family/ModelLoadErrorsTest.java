package io.maskimpact.family;

import io.maskimpact.model.ModelLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A broken model directory fails at load time with one line naming the file and what to do. */
class ModelLoadErrorsTest {
    @TempDir
    Path temp;

    private Path copyOfTinyModel() throws IOException {
        return TinyModels.copy(TinyModels.LLAVA, temp.resolve("model"));
    }

    @Test
    void missingDirectory() {
        assertThatThrownBy(() -> Families.load(temp.resolve("nope"), "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("is not a directory").hasMessageContaining("--model");
    }

    @Test
    void missingConfig() throws IOException {
        Path dir = copyOfTinyModel();
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> Families.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("config.json is missing");
    }

    @Test
    void unsupportedModelType() throws IOException {
        Path dir = copyOfTinyModel();
        TinyModels.editConfig(dir, "\"model_type\": \"llava\"", "\"model_type\": \"mllama\"");
        assertThatThrownBy(() -> Families.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("model_type 'mllama'").hasMessageContaining("supported: llava");
    }

    @Test
    void weightsDisagreeWithConfig() throws IOException {
        Path dir = copyOfTinyModel();
        TinyModels.editConfig(dir, "\"intermediate_size\": 128", "\"intermediate_size\": 96");
        assertThatThrownBy(() -> Families.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has shape").hasMessageContaining("expected").hasMessageContaining("model.safetensors");
    }

    @Test
    void missingWeights() throws IOException {
        Path dir = copyOfTinyModel();
        Files.delete(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> Families.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("no *.safetensors weights");
    }

    @Test
    void missingTokenizer() throws IOException {
        Path dir = copyOfTinyModel();
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> Families.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("tokenizer.json is missing");
    }

    @Test
    void aGpuWithTheCpuLibtorch() throws IOException {
        // the build's libtorch is the CPU flavour (pytorch-native-cpu): a GPU device must fail at load
        Path dir = copyOfTinyModel();
        assertThatThrownBy(() -> Families.load(dir, "gpu:1"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("on gpu:1")
                .hasMessageContaining("has no CUDA").hasMessageContaining("--device cpu");
    }

    @Test
    void truncatedWeights() throws IOException {
        Path dir = copyOfTinyModel();
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Families.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("safetensors");
    }
}
