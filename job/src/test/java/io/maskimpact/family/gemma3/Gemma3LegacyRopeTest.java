package io.maskimpact.family.gemma3;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.maskimpact.family.Families;
import io.maskimpact.family.TinyModels;
import io.maskimpact.input.PixelImage;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The released Gemma 3 configs (transformers 4) give the RoPE settings as {@code rope_theta} and
 * {@code rope_scaling} for the global layers and {@code rope_local_base_freq} for the sliding ones, which
 * transformers 5 turns into {@code rope_parameters} keyed by layer type ({@code convert_rope_params_to_dict}):
 * the parity checkpoint rewritten that way gives the same logits; with the local base changed, they differ.
 */
class Gemma3LegacyRopeTest {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    @TempDir
    Path temp;

    @Test
    void transformers4RopeKeysMeanTheSame() throws Exception {
        float[] keyed = logits(TinyModels.modelsDir().resolve("parity/gemma3"));
        assertThat(logits(legacy(temp.resolve("legacy"), 10000.0))).containsExactly(keyed);
        float[] otherLocal = logits(legacy(temp.resolve("other-local"), 20000.0));
        double max = 0;
        for (int i = 0; i < keyed.length; i++) {
            max = Math.max(max, Math.abs(keyed[i] - otherLocal[i]));
        }
        assertThat(max).as("rope_local_base_freq is read").isGreaterThan(1e-3);
    }

    private static Path legacy(Path dir, double localBase) throws Exception {
        TinyModels.copy("parity/gemma3", dir);
        Path file = dir.resolve("config.json");
        JsonObject config = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), JsonObject.class);
        JsonObject text = config.getAsJsonObject("text_config");
        text.remove("rope_parameters");
        text.addProperty("rope_theta", 1e6);
        text.addProperty("rope_local_base_freq", localBase);
        JsonObject scaling = new JsonObject();
        scaling.addProperty("rope_type", "linear");
        scaling.addProperty("factor", 8.0);
        text.add("rope_scaling", scaling);
        Files.writeString(file, GSON.toJson(config), StandardCharsets.UTF_8);
        return dir;
    }

    private static float[] logits(Path dir) throws Exception {
        PixelImage image = TinyModels.parityImage("wide_101x37.png");
        try (Vlm model = Families.load(dir, "cpu"); NDManager manager = model.manager().newSubManager()) {
            PreparedPrompt prompt = model.prompts().prepare(image, "What is in the image?", manager);
            try (DecoderSession session = model.decoder().open(prompt, manager, false); NDManager step = manager.newSubManager()) {
                return session.prefill(step).logits().toFloatArray();
            }
        }
    }
}
