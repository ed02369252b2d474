package io.maskimpact.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.cli.ExitCodes;
import io.maskimpact.family.TinyModels;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.FakeModels;
import io.maskimpact.testing.Pairs;
import io.maskimpact.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8's input guarantees through the real command line: unusable manifests stop the run
 * with one line, exit 3 and nothing written; unusual but valid images are analysed, not
 * rejected; a pair the model fails on is an {@code errors} row while the others succeed.
 */
class BadInputCliTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void fixtures() {
        model = FakeModels.write(tmp.resolve("fake-model"));
    }

    private static Cli.Result run(Path manifest, Path out, Path withModel) {
        return Cli.run("run", "--manifest", manifest.toString(), "--model", withModel.toString(), "--out",
                out.toString(), "--max-new-tokens", "2");
    }

    @Test
    void unusableManifestsStopTheRunWithOneLineAndWriteNothing() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("manifests"));
        Path latin1 = Files.write(dir.resolve("latin1.csv"),
                "pair_id,image,question\na,a.png,ok\nb,b.png,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Path badJson = Files.writeString(dir.resolve("bad.jsonl"), "{\"pair_id\": \"a\"}\n{\"pair_id\": \n");
        Path txt = Files.writeString(dir.resolve("m.txt"), "x");
        Path empty = Files.writeString(dir.resolve("empty.csv"), "pair_id,image,question\n");
        Path missing = dir.resolve("none.csv");
        List<Object[]> cases = List.of(new Object[] {latin1, "line 3 is not valid UTF-8"},
                new Object[] {badJson, "line 2 is not a JSON object"}, new Object[] {txt, "unknown format"},
                new Object[] {empty, "it has no rows"}, new Object[] {missing, "file not found"});
        int i = 0;
        for (Object[] c : cases) {
            Path manifest = (Path) c[0];
            Path out = tmp.resolve("out-manifest-" + i++);
            Cli.Result r = run(manifest, out, model);
            assertThat(r.code()).as("%s\n%s", manifest, r).isEqualTo(ExitCodes.CANNOT_START);
            assertThat(r.err().strip()).as("one line for %s", manifest).doesNotContain("\n")
                    .startsWith("Cannot read manifest " + manifest).contains((String) c[1]);
            assertThat(out).as("nothing written for %s", manifest).doesNotExist();
        }
    }

    @Test
    void unusualButValidImagesAreAnalysedNotRejected() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("unusual/images"));
        BufferedImage rgb = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(1, 1, 0xFF0000);
        Files.write(dir.resolve("exif6.jpg"), ImageLoaderTest.withSegment(ImageLoaderTest.jpeg(rgb, null), 0xE1,
                ImageLoaderTest.exifOrientation(6, false)));
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        cmyk.setPixel(0, 0, new int[] {10, 200, 250, 240});
        Files.write(dir.resolve("cmyk.jpg"), ImageLoaderTest.withSegment(ImageLoaderTest.jpeg(null, cmyk), 0xEE,
                ImageLoaderTest.adobe(0)));
        Files.write(dir.resolve("ycck.jpg"), ImageLoaderTest.ycckJpeg(245, 55, 5, 15));
        IndexColorModel palette = new IndexColorModel(2, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0},
                new byte[] {0, 0});
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY, palette), "png",
                dir.resolve("palette.png").toFile());
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY), "png", dir.resolve("gray16.png").toFile());
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("gray.png").toFile());
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB), "png", dir.resolve("alpha.png").toFile());
        List<Pairs.Row> rows = new ArrayList<>();
        for (String f : List.of("exif6.jpg", "cmyk.jpg", "ycck.jpg", "palette.png", "gray16.png", "gray.png",
                "alpha.png")) {
            rows.add(new Pairs.Row(f.replace('.', '-'), "images/" + f, "what is it?", null, null));
        }
        Path manifest = Pairs.csv(tmp.resolve("unusual/manifest.csv"), rows);
        Path out = tmp.resolve("out-unusual");
        Cli.Result r = run(manifest, out, model);
        assertThat(r.code()).as("%s", r).isEqualTo(0);
        assertThat(sql("SELECT pair_id, status FROM parquet.`%s/pairs` ORDER BY pair_id", out).stream()
                .map(e -> e[0] + "=" + e[1]).toList()).containsExactly("alpha-png=ok", "cmyk-jpg=ok", "exif6-jpg=ok",
                        "gray-png=ok", "gray16-png=ok", "palette-png=ok", "ycck-jpg=ok");
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/errors`", out)).isEqualTo(0L);
    }

    @Test
    void aPairTheModelFailsOnIsAnErrorsRowAndTheOthersSucceed() throws Exception {
        List<Pairs.Row> rows = Pairs.toy(tmp.resolve("failing"), 41, 4);
        Path manifest = Pairs.csv(tmp.resolve("failing/manifest.csv"), rows);
        String failing = rows.get(2).pairId();
        com.fasterxml.jackson.databind.node.ObjectNode config = FakeModels.config(tmp, 2, 2, 2, 3);
        config.putArray("fail_pairs").add(failing);
        Path failingModel = FakeModels.save(tmp.resolve("failing-model"), config);
        Path out = tmp.resolve("out-failing");
        Cli.Result r = run(manifest, out, failingModel);
        assertThat(r.code()).as("%s", r).isEqualTo(0);
        assertThat(sql("SELECT pair_id, stage FROM parquet.`%s/errors`", out).stream().map(e -> e[0] + "/" + e[1])
                .toList()).containsExactly(failing + "/analysis");
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/pairs` WHERE status = 'ok'", out)).isEqualTo(3L);
        assertThat(scalarSql("SELECT count(DISTINCT pair_id) FROM parquet.`%s/impact`", out)).isEqualTo(3L);
    }

    /**
     * @param result what the command line did
     * @param sparkJobs how many Spark jobs it started
     */
    private record Counted(Cli.Result result, int sparkJobs) {
    }

    private static Counted runCountingSparkJobs(Path manifest, Path out, Path withModel) throws Exception {
        AtomicInteger jobs = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        // earlier tests' events still queued would otherwise reach the new counter
        spark.sparkContext().listenerBus().waitUntilEmpty();
        spark.sparkContext().addSparkListener(counter);
        try {
            Cli.Result r = run(manifest, out, withModel);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            return new Counted(r, jobs.get());
        } finally {
            spark.sparkContext().removeSparkListener(counter);
        }
    }

    /**
     * Runs with a model folder that cannot be loaded: exit 3, one line, no output folder, no Spark job.
     *
     * @return the line printed
     */
    private static String assertStopsBeforeAnySparkJob(Path manifest, Path badModel) throws Exception {
        Path out = tmp.resolve("out-" + badModel.getFileName());
        Counted run = runCountingSparkJobs(manifest, out, badModel);
        assertThat(run.result().code()).as("%s", run.result()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(out).as("nothing written").doesNotExist();
        assertThat(run.sparkJobs()).as("Spark jobs started before the model check failed (%s)", badModel).isZero();
        String line = run.result().err().strip();
        assertThat(line).as("one line").doesNotContain("\n");
        return line;
    }

    @Test
    void aBadModelFolderFailsBeforeAnySparkJob() throws Exception {
        List<Pairs.Row> rows = Pairs.toy(tmp.resolve("model-check"), 43, 2);
        Path manifest = Pairs.csv(tmp.resolve("model-check/manifest.csv"), rows);
        Path broken = FakeModels.save(tmp.resolve("broken-model"), FakeModels.config(tmp, 2, 2, 2, 3).put("broken", true));
        for (Path bad : List.of(broken, tmp.resolve("no-such-model"))) {
            assertThat(assertStopsBeforeAnySparkJob(manifest, bad)).contains(bad.getFileName().toString());
        }
        // the counter does see jobs: a run with a working model starts some
        Counted ok = runCountingSparkJobs(manifest, tmp.resolve("out-model-ok"), model);
        assertThat(ok.result().code()).as("%s", ok.result()).isEqualTo(0);
        assertThat(ok.sparkJobs()).isGreaterThan(0);
    }

    @Test
    void aBrokenCheckpointOfARealFamilyFailsBeforeAnySparkJob() throws Exception {
        List<Pairs.Row> rows = Pairs.toy(tmp.resolve("real-model-check"), 53, 2);
        Path manifest = Pairs.csv(tmp.resolve("real-model-check/manifest.csv"), rows);

        Path wrongShapes = TinyModels.copy(TinyModels.LLAVA, tmp.resolve("llava-wrong-shapes"));
        TinyModels.editConfig(wrongShapes, "\"intermediate_size\": 128", "\"intermediate_size\": 96");
        assertThat(assertStopsBeforeAnySparkJob(manifest, wrongShapes)).startsWith("Cannot load model: ")
                .contains(wrongShapes.resolve("model.safetensors").toString()).contains("has shape")
                .contains("use the config.json saved with these weights");

        Path noTokenizer = TinyModels.copy(TinyModels.LLAVA, tmp.resolve("llava-no-tokenizer"));
        Files.delete(noTokenizer.resolve("tokenizer.json"));
        assertThat(assertStopsBeforeAnySparkJob(manifest, noTokenizer)).startsWith("Cannot load model: ")
                .contains(noTokenizer.resolve("tokenizer.json") + " is missing")
                .contains("put the model's tokenizer.json in the folder");

        Path otherFamily = TinyModels.copy(TinyModels.LLAVA, tmp.resolve("llava-unsupported-type"));
        TinyModels.editConfig(otherFamily, "\"model_type\": \"llava\"", "\"model_type\": \"mllama\"");
        assertThat(assertStopsBeforeAnySparkJob(manifest, otherFamily)).startsWith("Cannot load model: ")
                .contains("model_type 'mllama' in " + otherFamily.resolve("config.json"))
                .contains("(supported: gemma3, idefics3, llava, qwen2_5_vl, qwen2_vl, qwen3_vl, smolvlm)");
    }

    @Test
    void imagesOutsideTheManifestsFolderNeedTheFlag() throws Exception {
        List<Pairs.Row> toy = Pairs.toy(tmp.resolve("outside/shared"), 47, 1);
        Path manifest = Pairs.csv(tmp.resolve("outside/manifests/manifest.csv"),
                List.of(new Pairs.Row("up", "../shared/" + toy.get(0).image(), "what is it?", null, null),
                        new Pairs.Row("absolute", tmp.resolve("outside/shared").resolve(toy.get(0).image()).toString(),
                                "what is it?", null, null)));
        Path closed = tmp.resolve("out-outside-closed");
        Cli.Result r = run(manifest, closed, model);
        assertThat(r.code()).as("no pair analysed\n%s", r).isEqualTo(ExitCodes.NOTHING_ANALYSED);
        assertThat(sql("SELECT pair_id, stage, message FROM parquet.`%s/errors` ORDER BY pair_id", closed))
                .extracting(e -> e[0] + "/" + e[1]).containsExactly("absolute/image", "up/image");
        assertThat(scalarSql("SELECT min(message) FROM parquet.`%s/errors`", closed).toString())
                .contains("outside the manifest's folder").contains("--allow-external-images");

        Path open = tmp.resolve("out-outside-open");
        Cli.Result allowed = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                open.toString(), "--max-new-tokens", "2", "--allow-external-images");
        assertThat(allowed.code()).as("%s", allowed).isEqualTo(0);
        assertThat(sql("SELECT pair_id, status FROM parquet.`%s/pairs` ORDER BY pair_id", open))
                .extracting(e -> e[0] + "=" + e[1]).containsExactly("absolute=ok", "up=ok");
    }
}
