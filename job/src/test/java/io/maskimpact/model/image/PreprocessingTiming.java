package io.maskimpact.model.image;

import io.maskimpact.model.hf.HfConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Times the released CLIP (llava-1.5, 336 px) and Qwen2-VL image processors on a 1000x800 image: a
 * measurement to run by hand, not a test. With the test classes compiled
 * ({@code mvn -B -o -pl job -am test-compile}):
 * <pre>
 * java -cp job/target/classes:job/target/test-classes:$(ls ~/.m2/repository/com/google/code/gson/gson/2.*&#47;gson-2.*.jar | sort -V | tail -1) \
 *     io.maskimpact.model.image.PreprocessingTiming
 * </pre>
 */
public final class PreprocessingTiming {
    private static final String CLIP = "{\"image_processor_type\": \"CLIPImageProcessor\", \"crop_size\": {\"height\": 336, \"width\": 336},"
            + " \"size\": {\"shortest_edge\": 336}, \"resample\": 3}";
    private static final String QWEN = "{\"image_processor_type\": \"Qwen2VLImageProcessor\", \"min_pixels\": 3136, \"max_pixels\": 12845056,"
            + " \"patch_size\": 14, \"merge_size\": 2, \"temporal_patch_size\": 2, \"resample\": 3}";

    private PreprocessingTiming() {
    }

    public static void main(String[] args) throws Exception {
        byte[] pixels = new byte[1000 * 800 * 3];
        new Random(1).nextBytes(pixels);
        PixelImage image = new PixelImage(1000, 800, 3, pixels);
        Path dir = Files.createTempDirectory("timing");
        for (String[] p : new String[][] {{"CLIP 336", CLIP}, {"Qwen2-VL", QWEN}}) {
            Path file = Files.writeString(dir.resolve(p[0].replace(' ', '_') + ".json"), p[1]);
            ImagePipeline pipeline = ImageProcessors.fromConfig(HfConfig.read(file), ProcessorOverrides.NONE);
            long best = Long.MAX_VALUE;
            ProcessedImage out = null;
            for (int i = 0; i < 30; i++) {
                long t0 = System.nanoTime();
                out = pipeline.process(image);
                best = Math.min(best, System.nanoTime() - t0);
            }
            ImageRegion r = out.regions().get(0);
            System.out.printf("%-9s 1000x800 -> %dx%d, %d values: best of 30 %.1f ms%n", p[0], r.width(), r.height(),
                    r.values().length, best / 1e6);
        }
    }
}
