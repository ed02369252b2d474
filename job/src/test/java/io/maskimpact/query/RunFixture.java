package io.maskimpact.query;

import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a small run folder by the output contract ({@link io.maskimpact.schema.OutputSchema}), with Spark, for tests
 * that need a run without running a model.
 *
 * <p>{@value #PAIRS} analysed pairs and one rejected pair, {@value #STEPS} generation steps,
 * {@value #LAYERS} layers, {@value #HEADS} heads, every variant. Each step's sequence is
 * {@code <s>}, a {@value #GRID}x{@value #GRID} grid of {@code <image>} tokens, the question
 * {@code what colour is the circle ?}, then the tokens generated so far. Distances are seeded
 * pseudo-random, with two planted facts: the vision patch at (1, 1) has the largest {@code Full}
 * l2 distance of every (pair, step, layer), and the token {@code circle} the largest among text.
 * The {@code effects} table has one row per token but {@code <s>}, each hidden alone at every layer.
 */
final class RunFixture {

    static final int PAIRS = 2;
    static final int STEPS = 3;
    static final int LAYERS = 3;
    static final int HEADS = 2;
    static final int GRID = 2;
    /** The original image's size; the one region covers all of it. */
    static final int IMAGE_WIDTH = 64;
    static final int IMAGE_HEIGHT = 48;
    static final String RUN_ID = "fixture-run";
    static final String[] QUESTION = {"what", "colour", "is", "the", "circle", "?"};
    static final String[] ANSWER = {"red", ".", "</s>"};
    static final List<String> VARIANTS = List.of("Full", "Attn", "Head_0", "Head_1", "AttnWeight_Head_0",
            "AttnWeight_Head_1", "AttnWeight_Avg");

    private RunFixture() {
    }

    /** @return the number of tokens at a step */
    static int tokensAt(int step) {
        return 1 + GRID * GRID + QUESTION.length + step;
    }

    /** @return impact rows of the whole fixture */
    static long impactRows() {
        long rows = 0;
        for (int t = 0; t < STEPS; t++) {
            rows += (long) PAIRS * LAYERS * tokensAt(t) * VARIANTS.size();
        }
        return rows;
    }

    /**
     * Writes the run as a run written before {@code image_index} and {@code regions} joined the contract: the
     * same rows without those two columns.
     *
     * @param spark the session
     * @param out the run folder (created)
     * @return {@code out}
     */
    static Path writeWithoutRegions(SparkSession spark, Path out) throws IOException {
        return write(spark, out, "parquet", true);
    }

    /**
     * Writes the run.
     *
     * @param spark the session
     * @param out the run folder (created)
     * @param format {@code parquet} or {@code delta}
     * @return {@code out}
     */
    static Path write(SparkSession spark, Path out, String format) throws IOException {
        return write(spark, out, format, false);
    }

    private static Path write(SparkSession spark, Path out, String format, boolean withoutRegions) throws IOException {
        Random random = new Random(11);
        List<Row> impact = new ArrayList<>();
        List<Row> effects = new ArrayList<>();
        List<Row> steps = new ArrayList<>();
        List<Row> pairs = new ArrayList<>();
        for (int p = 0; p < PAIRS; p++) {
            String pair = "pair-" + p;
            for (int t = 0; t < STEPS; t++) {
                int n = tokensAt(t);
                for (int layer = 0; layer < LAYERS; layer++) {
                    for (int pos = 0; pos < n; pos++) {
                        Token tok = token(pos);
                        for (String variant : VARIANTS) {
                            float l2 = (float) (random.nextDouble() * (variant.startsWith("AttnWeight") ? 0.2 : 1.0));
                            if (variant.equals("Full") && tok.planted) {
                                l2 = 5f + layer;
                            } else if (variant.equals("Full") && tok.text.equals("circle")) {
                                l2 = 2f + layer;
                            }
                            float cos = l2 / 10f;
                            impact.add(RowFactory.create(RUN_ID, pair, t, layer, pos, tok.text, tok.kind,
                                    tok.row == null ? null : 0, tok.row, tok.col, variant, l2, cos));
                        }
                    }
                }
                for (int pos = 1; pos < n; pos++) {
                    effects.add(effect(RUN_ID, pair, t, pos, random));
                }
                steps.add(RowFactory.create(RUN_ID, pair, t, 10 + t, ANSWER[t], 0.9f - 0.1f * t, n,
                        (long) LAYERS * n * VARIANTS.size()));
            }
            pairs.add(RowFactory.create(RUN_ID, pair, "images/" + pair + ".png", "file:/data/images/" + pair + ".png",
                    "what colour is the circle?", String.join(" ", ANSWER), OutputSchema.STATUS_OK, "tiny-llava",
                    "both", STEPS, GRID, GRID, List.of(RowFactory.create(0, OutputSchema.REGION_IMAGE, GRID, GRID,
                            0.0, 0.0, (double) IMAGE_WIDTH, (double) IMAGE_HEIGHT)), tokensAt(0), LAYERS, STEPS,
                    (long) LAYERS * VARIANTS.size() * (tokensAt(0) + tokensAt(1) + tokensAt(2)), 1.5f, "1", "cpu"));
        }
        pairs.add(RowFactory.create(RUN_ID, "pair-bad", "images/missing.png", null, "what?", null,
                OutputSchema.STATUS_ERROR, null, "both", STEPS, null, null, null, null, null, 0, 0L, 0.01f, "2", "cpu"));
        List<Row> errors = List.of(RowFactory.create(RUN_ID, "pair-bad", OutputSchema.STAGE_IMAGE,
                "java.io.FileNotFoundException", "Cannot read image for pair pair-bad: file not found (images/missing.png)"));

        Dataset<Row> impactTable = spark.createDataFrame(impact, OutputSchema.IMPACT_SCHEMA);
        Dataset<Row> pairsTable = spark.createDataFrame(pairs, OutputSchema.PAIRS_SCHEMA);
        Dataset<Row> effectsTable = spark.createDataFrame(effects, OutputSchema.EFFECTS_SCHEMA);
        if (withoutRegions) {
            impactTable = impactTable.drop(OutputSchema.IMAGE_INDEX);
            effectsTable = effectsTable.drop(OutputSchema.IMAGE_INDEX);
            pairsTable = pairsTable.drop(OutputSchema.REGIONS);
        }
        writeTable(spark, impactTable, out, OutputSchema.IMPACT, format);
        writeTable(spark, effectsTable, out, OutputSchema.EFFECTS, format);
        writeTable(spark, spark.createDataFrame(steps, OutputSchema.STEPS_SCHEMA), out, OutputSchema.STEPS, format);
        writeTable(spark, spark.createDataFrame(errors, OutputSchema.ERRORS_SCHEMA), out, OutputSchema.ERRORS, format);
        writeTable(spark, pairsTable, out, OutputSchema.PAIRS, format);
        Files.writeString(out.resolve(OutputSchema.MANIFEST_FILE), "{\n  \"format_version\": 1,\n  \"generator\": "
                + "\"mask-impact test fixture\",\n  \"run_id\": \"" + RUN_ID + "\",\n  \"format\": \"" + format
                + "\",\n  \"tables\": {}\n}\n", StandardCharsets.UTF_8);
        return out;
    }

    private static void writeTable(SparkSession spark, Dataset<Row> table, Path out, String name, String format) {
        var writer = table.coalesce(1).write().mode(SaveMode.Overwrite).format(format).option("compression", "zstd");
        if (!OutputSchema.partitionColumns(name).isEmpty()) {
            writer = writer.partitionBy(OutputSchema.partitionColumns(name).toArray(String[]::new));
        }
        writer.save(out.resolve(name).toString());
    }

    /**
     * The effect of hiding one token at every layer: pseudo-random, larger for the planted patch, which
     * flips the answer to {@code blue}.
     */
    private static Row effect(String run, String pair, int step, int pos, Random random) {
        Token tok = token(pos);
        float kl = (float) random.nextDouble() * (tok.planted ? 4f : 0.5f);
        float drop = (float) random.nextDouble() * (tok.planted ? 0.8f : 0.1f);
        int rank = tok.planted ? 2 : 1;
        return RowFactory.create(run, pair, step, "all", pos, 1, tok.text, tok.kind, tok.row == null ? null : 0, tok.row,
                tok.col, kl, drop, 3f * drop, rank, rank > 1, tok.planted ? "blue" : ANSWER[step]);
    }

    private record Token(String text, String kind, Integer row, Integer col, boolean planted) {
    }

    private static Token token(int pos) {
        if (pos == 0) {
            return new Token("<s>", "special", null, null, false);
        }
        int cell = pos - 1;
        if (cell < GRID * GRID) {
            int r = cell / GRID;
            int c = cell % GRID;
            return new Token("<image>", "vision", r, c, r == 1 && c == 1);
        }
        int q = cell - GRID * GRID;
        if (q < QUESTION.length) {
            return new Token(QUESTION[q], "text", null, null, false);
        }
        return new Token(ANSWER[q - QUESTION.length], "generated", null, null, false);
    }
}
