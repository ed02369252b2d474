package io.maskimpact.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * docs/BENCHMARKS.md, where each benchmark owns one section between HTML comment markers and
 * rewrites only that section, so benchmarks run at different times share the file.
 */
public final class BenchmarkDoc {
    private BenchmarkDoc() {
    }

    /**
     * Replaces (or appends) the section named {@code key}.
     *
     * @param file the Markdown file (created if missing)
     * @param key the section's marker name
     * @param markdown its new content
     */
    public static void writeSection(Path file, String key, String markdown) throws IOException {
        String start = "<!-- bench:" + key + ":start -->";
        String end = "<!-- bench:" + key + ":end -->";
        String block = start + "\n" + markdown.strip() + "\n" + end;
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                : "# Benchmarks\n\nEach section is rewritten by the command it names; compare ratios within one section.\n";
        int s = text.indexOf(start);
        int e = text.indexOf(end);
        String updated = s >= 0 && e > s
                ? text.substring(0, s) + block + text.substring(e + end.length())
                : text.stripTrailing() + "\n\n" + block + "\n";
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
