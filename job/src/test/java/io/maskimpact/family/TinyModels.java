package io.maskimpact.family;

import io.maskimpact.input.PilRgb;
import io.maskimpact.input.PixelImage;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.toy.ToyData;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The checkpoints shipped in {@code models/}, loaded once per test JVM, and toy pairs for them.
 */
public final class TinyModels {
    /** The trained LLaVA (CLIP + LLaMA with GQA, old weight layout, fp32). */
    public static final String LLAVA = "tiny-llava";
    /** Random SigLIP + Qwen2 (new weight layout, BF16, sharded, tied embeddings, linear RoPE scaling). */
    public static final String QWEN2_SIGLIP = "tiny-llava-qwen2-siglip";
    /** Both families of weight layout. */
    public static final List<String> ALL = List.of(LLAVA, QWEN2_SIGLIP);
    /** The trained Qwen3-VL, the demo's model. */
    public static final String QWEN3_VL_TOY = "tiny-qwen3-vl";
    /**
     * The Qwen-VL checkpoints: the parity ones (random weights written by transformers: Qwen2-VL, Qwen2.5-VL,
     * Qwen3-VL) and the trained Qwen3-VL.
     */
    public static final List<String> QWEN_VL = List.of("parity/qwen2-vl", "parity/qwen2.5-vl", "parity/qwen3-vl",
            QWEN3_VL_TOY);
    /** Idefics3 (tiles off), SmolVLM (tiles on) and Gemma 3 (sliding windows, bidirectional image attention). */
    public static final List<String> TILES = List.of("parity/idefics3", "parity/smolvlm", "parity/gemma3");

    private static final Map<String, Vlm> LOADED = new ConcurrentHashMap<>();

    private TinyModels() {
    }

    /** @return the repository's models/ folder, whichever module the tests run from */
    public static Path modelsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("models").resolve(LLAVA))) {
                return dir.resolve("models");
            }
        }
        throw new IllegalStateException("models/" + LLAVA + " not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * @param name a model directory name under models/
     * @param target a folder to create, for a copy to break
     * @return {@code target}, holding a copy of the checkpoint's files
     */
    public static Path copy(String name, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(modelsDir().resolve(name))) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    /**
     * Replaces the first occurrence of {@code from} in a model folder's config.json; fails when there
     * is none, so that a test cannot silently break nothing.
     *
     * @param dir the model folder
     * @param from the text to replace, e.g. {@code "model_type": "llava"}
     * @param to its replacement
     */
    public static void editConfig(Path dir, String from, String to) throws IOException {
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        if (!text.contains(from)) {
            throw new IllegalStateException("config.json has no " + from);
        }
        Files.writeString(config, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
    }

    /**
     * @param name a model directory name under models/
     * @return the model, loaded on CPU once per JVM and never closed (the JVM ends with the tests)
     */
    public static Vlm get(String name) {
        return LOADED.computeIfAbsent(name, n -> {
            try {
                return Families.load(modelsDir().resolve(n), "cpu");
            } catch (ModelLoadException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * @param seed toy seed
     * @param index pair index
     * @param maxNewTokens steps
     * @param mode mask mode
     * @return the toy pair as a request
     */
    public static PairRequest toyRequest(long seed, int index, int maxNewTokens, MaskMode mode) {
        return toyRequest(ToyData.sample(seed, index), maxNewTokens, mode);
    }

    /**
     * @param sample a toy pair, in any layout
     * @param maxNewTokens steps
     * @param mode mask mode
     * @return the toy pair as a request
     */
    public static PairRequest toyRequest(ToyData.Sample sample, int maxNewTokens, MaskMode mode) {
        return new PairRequest(sample.pairId(), decodePng(sample.png()), sample.question(), maxNewTokens, mode);
    }

    /**
     * @param file an image of the parity pairs ({@code models/reference/pairs/})
     * @return it decoded and converted to RGB
     */
    public static PixelImage parityImage(String file) {
        try {
            return decodePng(Files.readAllBytes(modelsDir().resolve("reference/pairs").resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the decoded image */
    public static PixelImage decodePng(byte[] png) {
        try {
            return PilRgb.convert(ImageIO.read(new ByteArrayInputStream(png)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
