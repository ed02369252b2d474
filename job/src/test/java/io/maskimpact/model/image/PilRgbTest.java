package io.maskimpact.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.maskimpact.input.ImageLoader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Files decoded by {@link ImageLoader} and converted by {@link PilRgb} and {@link ExifOrientation}, against
 * transformers' {@code load_image} (PIL: EXIF transpose, then {@code convert("RGB")}).
 */
class PilRgbTest {
    private final ImageLoader loader = new ImageLoader(new Configuration(), 1 << 20, 1 << 24);

    /** What transformers' load_image gives, as this package reproduces it from the loader's output. */
    static PixelImage loadLikeTransformers(ImageLoader loader, String name) throws Exception {
        ImageLoader.Decoded decoded = loader.read(name, Goldens.file("images/" + name).toUri().toString());
        return ExifOrientation.apply(PilRgb.convert(decoded.decoded()), decoded.orientation());
    }

    /** One golden input: its name, PIL's mode for it, PIL's RGB pixels, and ours. */
    private record Decoded(String name, String pilMode, byte[] expected, PixelImage actual) {
    }

    private List<Decoded> decode(String suffix) throws Exception {
        JsonObject index = Goldens.json("images/decoded.json");
        byte[] blob = Goldens.blob("images/decoded.bin.gz");
        List<Decoded> out = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : index.getAsJsonObject("images").entrySet()) {
            if (e.getKey().endsWith(suffix)) {
                JsonObject expected = e.getValue().getAsJsonObject();
                PixelImage rgb = loadLikeTransformers(loader, e.getKey());
                assertThat(rgb.width() + "x" + rgb.height()).as("%s: size after EXIF orientation", e.getKey())
                        .isEqualTo(expected.get("width").getAsInt() + "x" + expected.get("height").getAsInt());
                out.add(new Decoded(e.getKey(), expected.get("pilMode").getAsString(),
                        Goldens.bytes(blob, expected.getAsJsonObject("pixels")), rgb));
            }
        }
        return out;
    }

    @Test
    void pngsConvertExactlyAsPilDoes() throws Exception {
        List<Decoded> pngs = decode(".png");
        for (Decoded d : pngs) {
            assertThat(d.actual().data()).as("%s (PIL mode %s): every sample equals PIL's convert(\"RGB\")", d.name(), d.pilMode())
                    .isEqualTo(d.expected());
        }
        assertThat(pngs).as("PNG goldens compared").hasSizeGreaterThanOrEqualTo(14);
    }

    @Test
    void jpegDecodersDifferALittle() throws Exception {
        List<Decoded> jpegs = decode(".jpg");
        StringBuilder report = new StringBuilder("JDK JPEG decoder vs Pillow's libjpeg-turbo (per sample):\n");
        for (Decoded d : jpegs) {
            byte[] want = d.expected();
            int max = 0;
            long sum = 0;
            long identical = 0;
            for (int i = 0; i < want.length; i++) {
                int diff = Math.abs((d.actual().data()[i] & 0xFF) - (want[i] & 0xFF));
                max = Math.max(max, diff);
                sum += diff;
                identical += diff == 0 ? 1 : 0;
            }
            double mean = (double) sum / want.length;
            report.append(String.format("  %-26s %-5s mean |diff| %.3f, max %d/255, %.1f%% identical%n", d.name(),
                    d.pilMode(), mean, max, 100.0 * identical / want.length));
            // not a parity claim: a bound that only a wrong orientation or channel order would break
            assertThat(mean).as("%s: decoders differ by small amounts only", d.name()).isLessThan(4.0);
        }
        System.out.print(report);
        assertThat(jpegs).as("JPEG goldens compared").hasSize(7);
    }

    @Test
    void exifOrientationTurnsAsPilDoes() {
        JsonObject index = Goldens.json("orientation/cases.json");
        byte[] blob = Goldens.blob("orientation/pixels.bin.gz");
        var cases = index.getAsJsonArray("cases");
        JsonObject stored = cases.get(0).getAsJsonObject();
        PixelImage image = new PixelImage(stored.get("width").getAsInt(), stored.get("height").getAsInt(), 3,
                Goldens.bytes(blob, stored.getAsJsonObject("pixels")));
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            int orientation = c.get("orientation").getAsInt();
            PixelImage upright = ExifOrientation.apply(image, orientation);
            assertThat(upright).as("orientation %d equals PIL's exif_transpose", orientation)
                    .isEqualTo(new PixelImage(c.get("width").getAsInt(), c.get("height").getAsInt(), 3,
                            Goldens.bytes(blob, c.getAsJsonObject("pixels"))));
        }
    }
}
