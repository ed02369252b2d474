package io.maskimpact.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.maskimpact.output.TableWriter;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs written before {@code impact.image_index} and {@code pairs.regions} joined the contract still open and
 * query: the columns read as null, every notebook statement runs, {@code analyze} works; and a run of today
 * places cells through its regions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunsWithoutRegionsTest extends SparkTestBase {

    @TempDir
    static Path tempDir;

    private Path old;
    private Path current;
    private Cli.Result analyzed;

    /** The old run, analysed (the cluster notebooks read the analysis tables), and a run of today. */
    @BeforeAll
    void writeRuns() throws Exception {
        old = RunFixture.writeWithoutRegions(spark, tempDir.resolve("old"));
        analyzed = Cli.run("analyze", "--out", old.toString(), "--k", "2");
        current = RunFixture.write(spark, tempDir.resolve("current"), "parquet");
    }

    private static Cli.Result query(Path run, String sql) {
        return Cli.run("query", "--out", run.toString(), "--output", "csv", "--sql", sql);
    }

    @Test
    void theOldRunLacksTheColumnsAndReadsThemAsNull() {
        assertThat(spark.read().parquet(old.resolve(OutputSchema.IMPACT).toString()).columns())
                .as("the fixture is of the old shape").doesNotContain(OutputSchema.IMAGE_INDEX);
        Cli.Result o = query(old, "SELECT (SELECT count(*) FROM impact WHERE image_index IS NULL) AS no_index,"
                + " (SELECT count(*) FROM pairs WHERE regions IS NULL) AS no_regions");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).isEqualTo("no_index,no_regions\n" + RunFixture.impactRows() + ",3\n");
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookStatementRunsOnTheOldRun() throws IOException {
        return NotebookSqlTest.sqlFiles().keySet().stream().map(name -> dynamicTest(name, () -> {
            Cli.Result o = Cli.run("query", "--out", old.toString(), "--file",
                    NotebookSqlTest.notebooks().resolve("sql").resolve(name).toString(), "--output", "json");
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.out().lines()).as("%s returns rows", name).isNotEmpty();
        }));
    }

    @Test
    void analyzeRunsOnTheOldRun() {
        assertThat(analyzed.code()).as(analyzed.err()).isZero();
        Cli.Result o = query(old, "SELECT count(*) AS n FROM token_clusters");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("n\n").isNotEqualTo("n\n0\n");
    }

    @Test
    void aRunOfTodayPlacesCellsThroughItsRegion() {
        Cli.Result o = query(current, "SELECT DISTINCT i.image_index, p.regions[i.image_index].kind AS kind,"
                + " mi_patch_box(i.patch_row, i.patch_col, p.regions[i.image_index]).x AS x,"
                + " mi_patch_box(i.patch_row, i.patch_col, p.regions[i.image_index]).height AS height"
                + " FROM impact i JOIN pairs p USING (run_id, pair_id)"
                + " WHERE i.token_kind = 'vision' AND i.patch_col = 1 AND i.patch_row = 0");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).as("cell (0, 1) of the 2x2 grid over the 64x48 image")
                .isEqualTo("image_index,kind,x,height\n0,image,32.0,24.0\n");
    }

    @Test
    void aFolderMixingOldAndNewImpactFilesReadsEveryColumn() throws IOException {
        Path mixed = tempDir.resolve("mixed");
        org.apache.commons.io.FileUtils.copyDirectory(old.resolve(OutputSchema.IMPACT).toFile(), mixed.toFile());
        Path step0 = current.resolve(OutputSchema.IMPACT).resolve("generation_step=0");
        try (Stream<Path> files = Files.list(step0)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                Files.copy(f, mixed.resolve("generation_step=0").resolve("new-" + f.getFileName()));
            }
        }
        List<Row> counts = TableWriter.readTable(spark, "parquet", mixed.toString(), OutputSchema.IMPACT)
                .where("token_kind = 'vision' AND generation_step = 0")
                .groupBy(OutputSchema.IMAGE_INDEX).count().orderBy(OutputSchema.IMAGE_INDEX).collectAsList();
        long perRun = (long) RunFixture.PAIRS * RunFixture.LAYERS * RunFixture.GRID * RunFixture.GRID
                * RunFixture.VARIANTS.size();
        assertThat(counts).extracting(r -> r.isNullAt(0) ? "null=" + r.getLong(1) : r.getInt(0) + "=" + r.getLong(1))
                .as("the old files' vision rows without an index, the new files' with index 0")
                .containsExactly("null=" + perRun, "0=" + perRun);
    }
}
