package io.maskimpact.toy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Consistency of the shipped tiny checkpoints (models/) with their reference fixtures and with
 * {@link ToyData}: the fixtures were made from these exact weight files, from ToyData's images, and
 * with prompts that the shipped tokenizer.json (through DJL's tokenizers) encodes as the fixtures say.
 * A failure here means: rerun models/generator/generate.py (see its README).
 */
class ToyCheckpointsTest {

  /** Pair seed the generator uses for the fixture images (generate.py FIXTURE_SEED). */
  private static final long FIXTURE_SEED = 3;

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("models").resolve("tiny-llava"))) {
      p = p.getParent();
    }
    assertThat(p).as("repository root with models/tiny-llava above " + Path.of("").toAbsolutePath()).isNotNull();
    return p;
  }

  private static JsonObject reference(Path root, String model) throws IOException {
    Path f = root.resolve("job/src/test/resources/fixtures").resolve(model).resolve("reference.json");
    return JsonParser.parseString(Files.readString(f)).getAsJsonObject();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-llava", "tiny-llava-qwen2-siglip"})
  void fixturesMatchTheShippedWeights(String model) throws Exception {
    Path root = repoRoot();
    JsonObject ref = reference(root, model);
    assertThat(ref.get("format").getAsString()).isEqualTo("mask-impact-reference");
    assertThat(ref.get("version").getAsInt()).isEqualTo(1);
    for (Map.Entry<String, JsonElement> e : ref.getAsJsonObject("model_files_sha256").entrySet()) {
      byte[] bytes = Files.readAllBytes(root.resolve("models").resolve(model).resolve(e.getKey()));
      assertThat(sha256(bytes)).as(e.getKey()).isEqualTo(e.getValue().getAsString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-llava", "tiny-llava-qwen2-siglip"})
  void fixtureImagesComeFromToyData(String model) throws IOException {
    Path root = repoRoot();
    Path dir = root.resolve("job/src/test/resources/fixtures").resolve(model);
    for (JsonElement e : reference(root, model).getAsJsonArray("inputs")) {
      JsonObject in = e.getAsJsonObject();
      int i = in.get("index").getAsInt();
      assertThat(Files.readAllBytes(dir.resolve(in.get("image").getAsString())))
          .as("input %d", i).isEqualTo(ToyData.sample(FIXTURE_SEED, i).png());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-llava", "tiny-llava-qwen2-siglip", "bench-grid4", "bench-grid16"})
  void shippedTokenizerEncodesThePromptsAsTheFixturesSay(String model) throws IOException {
    Path root = repoRoot();
    String fixture = model.startsWith("bench") ? "tiny-llava" : model;
    try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(root.resolve("models").resolve(model))) {
      for (JsonElement e : reference(root, fixture).getAsJsonArray("inputs")) {
        JsonObject in = e.getAsJsonObject();
        long[] want = in.getAsJsonArray("prompt_ids_before_image_expansion").asList().stream()
            .mapToLong(JsonElement::getAsLong).toArray();
        assertThat(tok.encode(in.get("prompt").getAsString()).getIds()).isEqualTo(want);
        if (!model.startsWith("bench")) {
          long[] greedy = in.getAsJsonArray("greedy_ids").asList().stream()
              .mapToLong(JsonElement::getAsLong).toArray();
          assertThat(tok.decode(greedy, true)).isEqualTo(in.get("decoded_answer").getAsString());
        }
      }
    }
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
