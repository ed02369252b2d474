package io.maskimpact.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskimpact.cli.ExitCodes;
import io.maskimpact.family.TinyModels;
import io.maskimpact.parity.ReferenceHarness;
import io.maskimpact.testing.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code bench vs-transformers} on the demo's Qwen3-VL, where the reference Python is installed. */
class VsTransformersCommandTest {

    @Test
    void theEngineAndTransformersGenerateTheSameTokensAndTheTableSaysSo() {
        Path home = TinyModels.modelsDir().getParent();
        Path python = ReferenceHarness.python(null, home);
        assumeTrue(python != null, "no reference Python (run models/reference/setup.sh)");
        String saved = System.getProperty("maskimpact.home");
        System.setProperty("maskimpact.home", home.toString());
        try {
            Cli.Result r = Cli.execute(new BenchCommand(), "vs-transformers", "--models",
                    home.resolve("models/tiny-qwen3-vl").toString() + "@192", "--pairs", "1", "--steps", "2",
                    "--python", python.toString(), "--no-doc");
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(r.out()).as("one row: model, pairs, steps, prompt tokens, same tokens")
                    .containsPattern("\\| tiny-qwen3-vl@192 \\| 1 \\| 2 \\| 54 \\| yes \\|");
        } finally {
            if (saved == null) {
                System.clearProperty("maskimpact.home");
            } else {
                System.setProperty("maskimpact.home", saved);
            }
        }
    }
}
