package io.maskimpact.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link PilResize} against {@code PIL.Image.resize}: every filter, L and RGB, many sizes, up and down. */
class PilResizeTest {

    /** Per filter: samples compared, samples identical, largest difference. */
    private static final class Tally {
        long samples;
        long identical;
        int maxDiff;
        /** The first cases that differ, for the message. */
        final List<String> worst = new ArrayList<>();
    }

    @Test
    void everyFilterMatchesPilWithinOneLevel() {
        JsonObject index = Goldens.json("resample/cases.json");
        byte[] blob = Goldens.blob("resample/pixels.bin.gz");
        Map<Resampling, Tally> tallies = new EnumMap<>(Resampling.class);
        int cases = 0;
        for (JsonElement e : index.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            int channels = c.get("mode").getAsString().equals("RGB") ? 3 : 1;
            PixelImage in = new PixelImage(c.get("width").getAsInt(), c.get("height").getAsInt(), channels,
                    Goldens.bytes(blob, c.getAsJsonObject("input")));
            Resampling filter = Resampling.fromPil(c.get("resample").getAsInt());
            PixelImage out = PilResize.resize(in, c.get("outWidth").getAsInt(), c.get("outHeight").getAsInt(), filter);
            byte[] expected = Goldens.bytes(blob, c.getAsJsonObject("expected"));
            assertThat(out.data()).as("%s: output size", c.get("id").getAsString()).hasSameSizeAs(expected);
            Tally t = tallies.computeIfAbsent(filter, f -> new Tally());
            int caseMax = 0;
            for (int i = 0; i < expected.length; i++) {
                int d = Math.abs((out.data()[i] & 0xFF) - (expected[i] & 0xFF));
                caseMax = Math.max(caseMax, d);
                t.identical += d == 0 ? 1 : 0;
            }
            t.samples += expected.length;
            t.maxDiff = Math.max(t.maxDiff, caseMax);
            if (caseMax > 0 && t.worst.size() < 8) {
                t.worst.add(c.get("id").getAsString() + " (" + caseMax + ")");
            }
            cases++;
        }
        StringBuilder report = new StringBuilder("PilResize vs PIL " + index.getAsJsonObject("versions") + ", " + cases + " cases:\n");
        tallies.forEach((f, t) -> report.append(String.format("  %-8s %7d samples, %.4f%% identical, max diff %d/255%s%n",
                f, t.samples, 100.0 * t.identical / t.samples, t.maxDiff, t.worst.isEmpty() ? "" : ", in " + t.worst)));
        System.out.print(report);
        assertThat(tallies).as("all six filters were compared").hasSize(6);
        tallies.forEach((f, t) -> assertThat(t.maxDiff).as("%s differs from PIL by at most 1/255%n%s", f, report).isLessThanOrEqualTo(1));
    }

    @Test
    void sameSizeIsACopy() {
        PixelImage in = new PixelImage(2, 1, 1, new byte[] {1, 2});
        PixelImage out = PilResize.resize(in, 2, 1, Resampling.LANCZOS);
        assertThat(out).as("same pixels").isEqualTo(in);
        assertThat(out.data()).as("not the same array").isNotSameAs(in.data());
    }

    @Test
    void anEmptyTargetIsRejected() {
        assertThatThrownBy(() -> PilResize.resize(PixelImage.blank(3, 3, 3), 0, 3, Resampling.BICUBIC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x3");
    }
}
