package io.maskimpact.parity;

import io.maskimpact.family.TinyModels;
import io.maskimpact.testing.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code parity} on a shipped checkpoint: transformers through the reference harness, then the engine.
 * The end-to-end case needs the harness's Python (models/reference/setup.sh; CI makes it), and is
 * skipped, saying so, where there is none.
 */
class ParityCommandTest {
    @TempDir
    Path tmp;
    private static String home;

    /** The command finds the harness and the default pairs under the project home, as submit.sh sets it. */
    @BeforeAll
    static void projectHome() {
        home = System.getProperty("maskimpact.home");
        System.setProperty("maskimpact.home", TinyModels.modelsDir().getParent().toString());
    }

    @AfterAll
    static void restoreHome() {
        if (home == null) {
            System.clearProperty("maskimpact.home");
        } else {
            System.setProperty("maskimpact.home", home);
        }
    }

    private static Path python() {
        return ReferenceHarness.python(null, TinyModels.modelsDir().getParent());
    }

    @Test
    void aCheckpointWrittenByTransformersPassesAndTheDumpIsKept() {
        Path python = python();
        assumeTrue(python != null, "no reference Python (run models/reference/setup.sh)");
        Path models = TinyModels.modelsDir();
        Cli.Result r = Cli.run("parity", "--model", models.resolve("parity/llava-llama-clip").toString(), "--pairs", "2",
                "--python", python.toString(), "--keep", tmp.resolve("dump").toString(),
                "--manifest", models.resolve("reference/pairs/pairs.jsonl").toString());
        assertThat(r.code()).as("exit code of a passing check%n%s", r).isZero();
        assertThat(r.out()).contains("rows Full l2", "PASS");
        assertThat(tmp.resolve("dump/reference.json")).as("the kept reference dump").isRegularFile();
    }

    @Test
    void withoutPythonItCannotStartAndSaysWhatToDo() {
        Cli.Result r = Cli.run("parity", "--model", TinyModels.modelsDir().resolve("tiny-llava").toString(),
                "--python", tmp.resolve("no-python").toString());
        assertThat(r.code()).as("exit code%n%s", r).isEqualTo(3);
        assertThat(r.err()).contains("cannot start", "the transformers reference failed");
    }

    @Test
    void aMissingModelFolderIsOneLine() {
        Cli.Result r = Cli.run("parity", "--model", tmp.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("model folder").contains("does not exist");
    }
}
