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
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("model_type 'mllama'")
                .hasMessageContaining("supported: gemma3, idefics3, llava, qwen2_5_vl, qwen2_vl, qwen3_vl, smolvlm");
    }

    @Test
    void gemma3SettingsThatChangeTheMathsAndAreNotImplemented() throws IOException {
        Path bidirectional = TinyModels.copy("parity/gemma3", temp.resolve("gemma3-bidirectional"));
        TinyModels.editConfig(bidirectional, "\"use_bidirectional_attention\": false", "\"use_bidirectional_attention\": true");
        assertThatThrownBy(() -> Families.load(bidirectional, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("use_bidirectional_attention = true");
        Path softcap = TinyModels.copy("parity/gemma3", temp.resolve("gemma3-softcap"));
        TinyModels.editConfig(softcap, "\"attn_logit_softcapping\": null", "\"attn_logit_softcapping\": 50.0");
        assertThatThrownBy(() -> Families.load(softcap, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("'attn_logit_softcapping' = 50.0");
        Path rope = TinyModels.copy("parity/gemma3", temp.resolve("gemma3-rope"));
        TinyModels.editConfig(rope, "\"rope_type\": \"linear\"", "\"rope_type\": \"yarn\"");
        assertThatThrownBy(() -> Families.load(rope, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("rope type 'yarn'");
    }

    @Test
    void idefics3TokensPerTileMustMatchTheProcessor() throws IOException {
        Path dir = TinyModels.copy("parity/smolvlm", temp.resolve("smolvlm"));
        String processor = Files.readString(dir.resolve("processor_config.json"));
        Files.writeString(dir.resolve("processor_config.json"), processor.replace("\"image_seq_len\": 9", "\"image_seq_len\": 169"));
        assertThatThrownBy(() -> Families.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("image_seq_len 169").hasMessageContaining("9 tokens per tile");
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
