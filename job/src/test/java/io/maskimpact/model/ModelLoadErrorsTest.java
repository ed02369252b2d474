package io.maskimpact.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A broken model directory fails at load time with one line naming the file and what to do. */
class ModelLoadErrorsTest {
    @TempDir
    Path temp;

    private Path copyOfTinyModel() throws IOException {
        Path source = TinyModels.modelsDir().resolve(TinyModels.LLAVA);
        Path target = temp.resolve("model");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    private static void editConfig(Path dir, String from, String to) throws IOException {
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        if (!text.contains(from)) {
            throw new IllegalStateException("config.json has no " + from);
        }
        Files.writeString(config, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
    }

    @Test
    void missingDirectory() {
        assertThatThrownBy(() -> VlmModels.load(temp.resolve("nope"), "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("is not a directory").hasMessageContaining("--model");
    }

    @Test
    void missingConfig() throws IOException {
        Path dir = copyOfTinyModel();
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> VlmModels.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("config.json is missing");
    }

    @Test
    void unsupportedModelType() throws IOException {
        Path dir = copyOfTinyModel();
        editConfig(dir, "\"model_type\": \"llava\"", "\"model_type\": \"mllama\"");
        assertThatThrownBy(() -> VlmModels.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("model_type 'mllama'").hasMessageContaining("supported: llava");
    }

    @Test
    void weightsDisagreeWithConfig() throws IOException {
        Path dir = copyOfTinyModel();
        editConfig(dir, "\"intermediate_size\": 128", "\"intermediate_size\": 96");
        assertThatThrownBy(() -> VlmModels.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has shape").hasMessageContaining("expected").hasMessageContaining("model.safetensors");
    }

    @Test
    void missingWeights() throws IOException {
        Path dir = copyOfTinyModel();
        Files.delete(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> VlmModels.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("no *.safetensors weights");
    }

    @Test
    void missingTokenizer() throws IOException {
        Path dir = copyOfTinyModel();
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> VlmModels.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("tokenizer.json is missing");
    }

    @Test
    void truncatedWeights() throws IOException {
        Path dir = copyOfTinyModel();
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> VlmModels.load(dir, "cpu"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("safetensors");
    }
}
