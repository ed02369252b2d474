package io.maskimpact.parity;

import io.maskimpact.family.Families;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.Vlm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every checkpoint written by transformers against what transformers computed for it
 * ({@code job/src/test/resources/parity/<checkpoint>/}, made by {@code models/reference/harness.py}):
 * answers equal, every stage, every impact row and every output effect within {@link ParityReport#TOLERANCE}.
 *
 * <p>A dump is checked against its checkpoint ({@code models/parity/<name>} or {@code models/<name>})
 * and against the 4.x-layout copy of it, {@code models/parity/<name>-4x}, when there is one: the same
 * weights saved the old way must give the same numbers.
 *
 * <p>{@code -Dparity.only=name,name} runs only the named dumps (a focused run while working on one family).
 */
class ParityTest {

    record Case(String checkpoint, Path model, Path dump) {
        @Override
        public String toString() {
            return checkpoint + " vs " + dump.getFileName();
        }
    }

    static List<Case> cases() throws IOException {
        Path models = TinyModels.modelsDir();
        Path dumps = models.getParent().resolve("job/src/test/resources/parity");
        List<Case> cases = new ArrayList<>();
        String only = System.getProperty("parity.only", "");
        java.util.Set<String> wanted = only.isBlank() ? null : java.util.Set.of(only.split(","));
        try (Stream<Path> folders = Files.list(dumps)) {
            for (Path dump : folders.filter(d -> Files.isRegularFile(d.resolve("reference.json"))).sorted().toList()) {
                String name = dump.getFileName().toString();
                if (wanted != null && !wanted.contains(name)) {
                    continue;
                }
                Path model = Files.isDirectory(models.resolve("parity").resolve(name)) ? models.resolve("parity").resolve(name)
                        : models.resolve(name);
                cases.add(new Case(name, model, dump));
                Path legacy = models.resolve("parity").resolve(name + "-4x");
                if (Files.isDirectory(legacy)) {
                    cases.add(new Case(name + "-4x", legacy, dump));
                }
            }
        }
        assertThat(cases).as("reference dumps under " + dumps).isNotEmpty();
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void engineMatchesTransformers(Case c) throws Exception {
        ReferenceDump dump = ReferenceDump.read(c.dump());
        Path manifestDir = TinyModels.modelsDir().getParent().resolve(dump.manifest()).getParent();
        try (Vlm model = Families.load(c.model(), "cpu")) {
            ParityReport report = ParityCheck.run(model, dump, manifestDir, Integer.MAX_VALUE);
            System.out.println("Parity of " + c + "\n" + report.format());
            assertThat(report.passed()).as("parity of %s with transformers:%n%s", c, report.format()).isTrue();
            assertThat(report.stages()).extracting(ParityReport.Stage::name)
                    .as("stages compared").contains("pixel_values", "input_ids", "resid_post", "logits", "greedy_tokens",
                            "rows Full l2", "rows Attn l2", "rows Head l2", "rows AttnWeight l2",
                            "effects kl_divergence", "effects prob_drop", "effects logit_diff", "effects greedy_rank",
                            "effects masked_top1");
        }
    }
}
