package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.family.TinyModels;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.Pairs;
import io.maskimpact.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --effects} on the shipped tiny model writes the {@code effects} table, read back with
 * Spark SQL: one row per (pair, step, maskable unit), the contract's columns, partitioned by step,
 * ZSTD, listed in {@code _manifest.json}; in Parquet with every layer and one cell per unit, in
 * Delta with a layer window and 2 x 2 vision blocks.
 */
class EffectsEndToEndTest extends SparkTestBase {
    private static final int STEPS = 2;

    @TempDir
    static Path tmp;
    static Path manifest;

    @BeforeAll
    static void fixtures() {
        manifest = Pairs.csv(tmp.resolve("pairs/manifest.csv"), Pairs.toy(tmp.resolve("pairs"), 41, 2));
    }

    @Test
    void parquetRunWritesOneRowPerUnitAndStep() throws Exception {
        Path out = run("parquet", "--effects");
        String effects = "parquet.`" + out.resolve(OutputSchema.EFFECTS) + "`";
        assertThat(spark.read().parquet(out.resolve(OutputSchema.EFFECTS).toString()).schema().fieldNames())
                .containsExactlyInAnyOrder(OutputSchema.EFFECTS_SCHEMA.fieldNames());
        // with one token per unit, effects has the rows of one impact variant at one layer
        String impact = "parquet.`" + out.resolve(OutputSchema.IMPACT) + "`";
        assertThat(scalarSql("SELECT count(*) FROM %s", effects)).as("one row per (pair, step, maskable token)")
                .isEqualTo(scalarSql("SELECT count(*) FROM %s WHERE layer = 0 AND variant = 'Attn'", impact));
        assertThat(sql("SELECT DISTINCT layers, unit_size FROM %s", effects)).containsExactly(row("all", 1));
        assertThat(scalarSql("SELECT count(*) FROM %s WHERE top1_flip <> (greedy_rank > 1) OR kl_divergence < 0 "
                + "OR (token_kind = 'vision') <> (patch_row IS NOT NULL AND image_index IS NOT NULL)", effects))
                .as("flips agree with ranks, KL is not negative, only vision units have cells").isEqualTo(0L);
        assertThat(scalarSql("SELECT count(*) FROM %s e JOIN parquet.`%s` s ON e.pair_id = s.pair_id "
                + "AND e.generation_step = s.generation_step WHERE NOT e.top1_flip AND e.masked_top1_token <> s.generated_token",
                effects, out.resolve(OutputSchema.STEPS))).as("an unflipped unit keeps the generated token").isEqualTo(0L);
        assertThat((Float) scalarSql("SELECT max(kl_divergence) FROM %s", effects)).isGreaterThan(0f);
        for (Path f : RunEndToEndTest.dataFiles(out.resolve(OutputSchema.EFFECTS))) {
            assertThat(RunEndToEndTest.codecs(f)).as("codec of %s", f).containsExactly("ZSTD");
        }
        JsonNode table = new ObjectMapper().readTree(out.resolve("_manifest.json").toFile()).path("tables")
                .path(OutputSchema.EFFECTS);
        assertThat(table.path("partition_column").asText()).isEqualTo(OutputSchema.GENERATION_STEP);
        assertThat(table.path("rows").asLong()).isEqualTo(scalarSql("SELECT count(*) FROM %s", effects));
    }

    @Test
    void deltaRunWithLayerWindowAndBlocks() throws Exception {
        Path out = run("delta", "--effects", "--effect-layers", "0-0", "--effect-block", "2", "--mask-mode", "vision");
        String effects = "delta.`" + out.resolve(OutputSchema.EFFECTS) + "`";
        assertThat(sql("SELECT DISTINCT layers FROM %s", effects)).containsExactly(row("0-0"));
        assertThat(sql("SELECT DISTINCT token_kind FROM %s", effects)).containsExactly(row("vision"));
        assertThat(scalarSql("SELECT count(*) FROM %s WHERE patch_row %% 2 <> 0 OR patch_col %% 2 <> 0", effects))
                .as("a block is named by its top-left cell").isEqualTo(0L);
        assertThat((Long) scalarSql("SELECT sum(unit_size) FROM %s", effects)).as("blocks cover every vision token")
                .isEqualTo(scalarSql("SELECT count(*) FROM delta.`%s` WHERE layer = 0 AND variant = 'Attn'",
                        out.resolve(OutputSchema.IMPACT)));
        assertThat((Integer) scalarSql("SELECT max(unit_size) FROM %s", effects)).isEqualTo(4);
    }

    @Test
    void aLayerWindowBeyondTheModelIsRefused() {
        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--out", tmp.resolve("bad").toString(), "--model",
                TinyModels.modelsDir().resolve(TinyModels.LLAVA).toString(), "--effects", "--effect-layers", "0-99");
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err()).contains("effect layers 0-99 do not fit a model of");
    }

    private static Path run(String format, String... options) {
        Path out = tmp.resolve("out-" + format);
        List<String> args = new java.util.ArrayList<>(List.of("run", "--manifest", manifest.toString(), "--model",
                TinyModels.modelsDir().resolve(TinyModels.LLAVA).toString(), "--out", out.toString(), "--max-new-tokens",
                String.valueOf(STEPS), "--variants", "attn", "--format", format));
        args.addAll(List.of(options));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.code()).as("exit code\n%s", r).isEqualTo(0);
        return out;
    }
}
