package io.maskimpact.testing;

import io.maskimpact.toy.ToyData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test inputs: toy images and manifests in the three formats. */
public final class Pairs {

    /** One manifest row. */
    public record Row(String pairId, String image, String question, String maxNewTokens, String maskMode) {
    }

    private Pairs() {
    }

    /**
     * Writes {@code n} toy images ({@code images/toy-<seed>-<i>.png}) and returns one row per image,
     * with the toy question and no per-pair overrides.
     */
    public static List<Row> toy(Path dir, long seed, int n) {
        ToyData.write(seed, n, dir);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ToyData.Sample s = ToyData.sample(seed, i);
            rows.add(new Row(s.pairId(), s.imagePath(), s.question(), null, null));
        }
        return rows;
    }

    /** Writes a CSV manifest with all five columns. */
    public static Path csv(Path file, List<Row> rows) {
        StringBuilder sb = new StringBuilder("pair_id,image,question,max_new_tokens,mask_mode\n");
        for (Row r : rows) {
            sb.append(cell(r.pairId())).append(',').append(cell(r.image())).append(',').append(cell(r.question()))
                    .append(',').append(cell(r.maxNewTokens())).append(',').append(cell(r.maskMode())).append('\n');
        }
        return write(file, sb.toString());
    }

    /** Writes a JSON Lines manifest; null values are left out. */
    public static Path jsonl(Path file, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (Row r : rows) {
            sb.append('{').append("\"pair_id\":").append(json(r.pairId())).append(",\"image\":").append(json(r.image()))
                    .append(",\"question\":").append(json(r.question()));
            if (r.maxNewTokens() != null) {
                sb.append(",\"max_new_tokens\":").append(r.maxNewTokens());
            }
            if (r.maskMode() != null) {
                sb.append(",\"mask_mode\":").append(json(r.maskMode()));
            }
            sb.append("}\n");
        }
        return write(file, sb.toString());
    }

    /**
     * @return the rows with the given mask modes, cycled
     */
    public static List<Row> withModes(List<Row> rows, String... modes) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.add(new Row(r.pairId(), r.image(), r.question(), r.maxNewTokens(), modes[i % modes.length]));
        }
        return out;
    }

    private static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cell(String v) {
        if (v == null) {
            return "";
        }
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static String json(String v) {
        if (v == null) {
            return "null";
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
