package io.maskimpact.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.LayerTrace;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.TinyModels;
import io.maskimpact.model.hf.WeightStore;
import io.maskimpact.model.llava.LlavaModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java forward and both masking algorithms against the generator's independent PyTorch
 * implementation ({@code models/generator/fixtures.py}), like llm.c's test against PyTorch dumps:
 * every tensor within 1e-4 (relative above 1), the largest difference printed per tensor.
 *
 * <p>Inputs start from the reference's own pixel values, so image resampling (PIL vs libtorch
 * bicubic) cannot hide a forward difference; the image processor is checked on its own where the
 * image needs no resampling.
 */
class ReferenceFixtureTest {
    private static final double TOLERANCE = 1e-4;
    /** Largest difference per kind of tensor (the first word of its description), printed per model. */
    private static final java.util.Map<String, Double> MAX_DIFF = new java.util.TreeMap<>();

    static List<String> models() {
        return TinyModels.ALL;
    }

    private static Path fixtureDir(String model) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("job/src/test/resources/fixtures").resolve(model);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            candidate = dir.resolve("src/test/resources/fixtures").resolve(model);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no reference fixture for " + model + " (run models/generator/generate.py)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void forwardAndMaskingMatchTheReference(String modelName) throws Exception {
        LlavaModel model = (LlavaModel) TinyModels.get(modelName);
        Path dir = fixtureDir(modelName);
        JsonObject meta = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject();
        assertThat(meta.get("format").getAsString()).isEqualTo("mask-impact-reference");
        assertThat(meta.get("version").getAsInt()).as("fixture version (regenerate with models/generator/generate.py)").isEqualTo(1);
        int layers = meta.get("num_layers").getAsInt();
        WeightStore reference = WeightStore.open(dir);
        try (NDManager manager = model.manager().newSubManager()) {
            for (JsonElement element : meta.getAsJsonArray("inputs")) {
                JsonObject input = element.getAsJsonObject();
                int i = input.get("index").getAsInt();
                String question = input.get("question").getAsString();
                NDArray pixels = ref(reference, manager, "pixel_values." + i);
                checkImageProcessor(model, dir.resolve(input.get("image").getAsString()), pixels, manager);

                PreparedPrompt prompt = model.prepare(pixels, question, manager);
                long[] ids = ref(reference, manager, "input_ids." + i).toLongArray();
                assertThat(prompt.tokens().stream().mapToLong(t -> t.tokenId()).toArray()).as("input ids of input %d", i).isEqualTo(ids);
                NDArray hidden = ref(reference, manager, "hidden_states." + i);                      // (L+1, S, d)
                compare("inputs_embeds " + i, prompt.embeddings(), hidden.get(0));

                List<Integer> greedy = new ArrayList<>();
                NDArray logitsSteps = ref(reference, manager, "logits_steps." + i);                  // (T, V)
                try (DecoderSession session = model.openSession(manager, true)) {
                    GreedyDecoder.run(model, session, prompt, (int) logitsSteps.getShape().get(0), manager,
                            (step, trace, sequence, predicted, prob, stepManager) -> {
                                greedy.add(predicted);
                                compare("logits step " + step + " input " + i, trace.logits(), logitsSteps.get(step));
                                if (step == 0) {
                                    checkStepZero(reference, i, layers, hidden, session, trace.layers(), stepManager);
                                } else {
                                    checkLaterStep(reference, i, step, session, trace.layers(), stepManager);
                                }
                            });
                }
                List<Integer> expectedGreedy = java.util.Arrays.stream(ref(reference, manager, "greedy_ids." + i).toLongArray())
                        .mapToObj(v -> (int) v).toList();
                assertThat(greedy).as("greedy ids of input %d", i).containsExactlyElementsOf(expectedGreedy);
            }
        }
        MAX_DIFF.forEach((what, diff) -> System.out.printf("reference %s: %-12s max diff %.2e%n", modelName, what, diff));
        MAX_DIFF.clear();
    }

    private void checkStepZero(WeightStore reference, int i, int layers, NDArray hidden, DecoderSession session,
                               List<LayerTrace> traces, NDManager step) {
        long s = hidden.getShape().get(1);
        for (int l = 0; l < layers; l++) {
            compare("layer " + l + " input, last position, input " + i, traces.get(l).residPre().squeeze(0), hidden.get(l + ", " + (s - 1)));
        }
        compare("last layer output, input " + i, traces.get(layers - 1).residPost().squeeze(0), hidden.get(layers + ", " + (s - 1)));
        NDArray weights = ref(reference, step, "attn_weights_last." + i);                                   // (L, H, S)
        NDArray attnL2 = ref(reference, step, "masked_attn_l2." + i);                                       // (L, S)
        NDArray attnCos = ref(reference, step, "masked_attn_cos." + i);
        NDArray fullL2 = ref(reference, step, "masked_full_l2." + i);
        NDArray fullCos = ref(reference, step, "masked_full_cos." + i);
        NDArray headL2 = ref(reference, step, "masked_head_l2." + i);                                       // (L, H, S)
        NDArray headCos = ref(reference, step, "masked_head_cos." + i);
        int[] all = IntStream.range(0, (int) s).toArray();
        for (int l = 0; l < layers; l++) {
            compare("attention weights layer " + l, traces.get(l).probs(), weights.get(l));
            for (Algorithm algorithm : Algorithm.values()) {
                String what = algorithm + " layer " + l + " input " + i;
                LayerOutputs out = LayerMasking.of(algorithm, VariantSet.parse("all")).compute(session, l, traces.get(l), all, step);
                compare("Attn L2 " + what, Distances.l2(out.maskedAttn(), out.baseAttn()), attnL2.get(l));
                compare("Attn cos " + what, Distances.cosine(out.maskedAttn(), out.baseAttn()), attnCos.get(l));
                compare("Full L2 " + what, Distances.l2(out.maskedFull(), out.baseFull()), fullL2.get(l));
                compare("Full cos " + what, Distances.cosine(out.maskedFull(), out.baseFull()), fullCos.get(l));
                compare("Head L2 " + what, Distances.l2(out.maskedHeads(), out.baseHeads()).transpose(), headL2.get(l));
                compare("Head cos " + what, Distances.cosine(out.maskedHeads(), out.baseHeads()).transpose(), headCos.get(l));
            }
        }
    }

    private void checkLaterStep(WeightStore reference, int i, int step, DecoderSession session, List<LayerTrace> traces,
                                NDManager stepManager) {
        String key = "masked_attn_l2." + i + ".step" + step;
        if (!reference.has(key)) {
            return;
        }
        NDArray attnL2 = ref(reference, stepManager, key);
        NDArray fullL2 = ref(reference, stepManager, "masked_full_l2." + i + ".step" + step);
        int[] all = IntStream.range(0, session.length()).toArray();
        for (int l = 0; l < traces.size(); l++) {
            LayerOutputs out = LayerMasking.of(Algorithm.EXACT, VariantSet.parse("all")).compute(session, l, traces.get(l), all, stepManager);
            compare("Attn L2 step " + step + " layer " + l, Distances.l2(out.maskedAttn(), out.baseAttn()), attnL2.get(l));
            compare("Full L2 step " + step + " layer " + l, Distances.l2(out.maskedFull(), out.baseFull()), fullL2.get(l));
        }
    }

    private static void checkImageProcessor(LlavaModel model, Path png, NDArray expected, NDManager manager) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        long size = expected.getShape().get(3);
        if (image.getWidth() != size || image.getHeight() != size) {
            return; // resampled: PIL's and libtorch's bicubic differ by design
        }
        compare("pixel values of " + png.getFileName(), model.imageProcessor().process(image, manager), expected);
    }

    private static NDArray ref(WeightStore reference, NDManager manager, String name) {
        try {
            return reference.load(manager, name, reference.shapeOf(name));
        } catch (io.maskimpact.model.ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void compare(String what, NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).as("shape of %s", what).isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] b = expected.toFloatArray();
        double maxDiff = 0;
        int worst = 0;
        for (int k = 0; k < a.length; k++) {
            double diff = Math.abs(a[k] - b[k]) / Math.max(1, Math.abs(b[k]));
            if (diff > maxDiff || Double.isNaN(diff)) {
                maxDiff = diff;
                worst = k;
            }
        }
        MAX_DIFF.merge(what.split(" ")[0] + (what.contains("EXACT") ? " exact" : what.contains("NAIVE") ? " naive" : ""),
                maxDiff, Math::max);
        assertThat(maxDiff).as("%s: max diff at [%d]: java %s vs reference %s", what, worst, a.length > 0 ? a[worst] : 0,
                b.length > 0 ? b[worst] : 0).isLessThanOrEqualTo(TOLERANCE);
    }
}
