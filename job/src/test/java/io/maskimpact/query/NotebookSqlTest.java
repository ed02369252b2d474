package io.maskimpact.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code notebooks/sql/*.sql} runs through {@code query} on the demo's output (after
 * {@code analyze}),
 * returns rows, and meets the sanity checks it declares ({@link SqlExpectations}); every SQL
 * statement of every notebook is one of those files; every notebook is nbformat 4 JSON with
 * markdown between its code cells and opens with the set-up, which pins PySpark to the job's Spark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookSqlTest extends SparkTestBase {

    @TempDir
    static Path tempDir;


    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NOTEBOOK_SQL = Pattern.compile("spark\\.sql\\(\\s*\"\"\"(.*?)\"\"\"\\s*\\)", Pattern.DOTALL);

    private Path run;

    static Path notebooks() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("notebooks/sql"))) {
                return p.resolve("notebooks");
            }
        }
        throw new IllegalStateException("notebooks/sql not found above " + here);
    }

    static Map<String, String> sqlFiles() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(notebooks().resolve("sql"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".sql")).toList()) {
                files.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    /** SQL without comments, whitespace collapsed: what must agree between a notebook and a file. */
    static String normalise(String sql) {
        return sql.replaceAll("(?m)--.*$", "").replaceAll("\\s+", " ").strip();
    }

    /**
     * The demo's output, produced here through the real CLI with the shipped tiny model; until that
     * model exists in the checkout, the hand-made {@link RunFixture} run. Then {@code analyze}.
     */
    @BeforeAll
    void prepareRun() throws Exception {
        Path tinyModel = notebooks().getParent().resolve("models/tiny-llava");
        if (Files.isRegularFile(tinyModel.resolve("config.json"))) {
            run = tempDir.resolve("demo");
            Cli.Result demo = Cli.run("demo", "--out", run.toString(), "--model", tinyModel.toString());
            assertThat(demo.code()).as("the demo\n%s", demo).isZero();
        } else {
            System.err.println("NotebookSqlTest: no " + tinyModel + "; running the notebook SQL on RunFixture");
            run = RunFixture.write(spark, tempDir.resolve("run"), "parquet");
        }
        Cli.Result analyzed = Cli.run("analyze", "--out", run.toString(), "--k", "3");
        assertThat(analyzed.code()).as(analyzed.toString()).isZero();
    }

    @TestFactory
    Stream<DynamicTest> everySqlFileReturnsSaneRows() throws IOException {
        return sqlFiles().entrySet().stream().map(e -> dynamicTest(e.getKey(), () -> {
            String sql = e.getValue();
            assertThat(QueryRunner.statements(sql)).as("one statement per file").hasSize(1);
            List<String> expectations = SqlExpectations.of(sql);
            assertThat(expectations).as("declared checks").anyMatch(x -> x.startsWith("rows"));
            Cli.Result o = Cli.run("query", "--out", run.toString(), "--file",
                    notebooks().resolve("sql").resolve(e.getKey()).toString(), "--output", "json", "--max-rows", "0");
            assertThat(o.code()).as(o.err()).isZero();
            List<JsonNode> rows = new ArrayList<>();
            for (String line : o.out().lines().toList()) {
                rows.add(JSON.readTree(line));
            }
            assertAll(expectations.stream().map(x -> () ->
                    assertThat(SqlExpectations.check(x, rows)).as("%s: %s", e.getKey(), x).isEmpty()));
        }));
    }

    @Test
    void everyNotebookStatementIsASqlFile() throws IOException {
        Map<String, String> byText = new TreeMap<>();
        sqlFiles().forEach((name, text) -> byText.put(normalise(text), name));
        List<Path> books = notebookFiles();
        assertThat(books).as("notebooks").isNotEmpty();
        int statements = 0;
        for (Path book : books) {
            for (String source : cells(book, "code")) {
                Matcher m = NOTEBOOK_SQL.matcher(source);
                while (m.find()) {
                    statements++;
                    assertThat(byText).as("%s: a notebook statement that is not in notebooks/sql/:%n%s", book.getFileName(),
                            m.group(1)).containsKey(normalise(m.group(1)));
                }
            }
        }
        assertThat(statements).as("notebook statements").isGreaterThanOrEqualTo(sqlFiles().size());
    }

    @Test
    void notebooksAreNbformat4WithExplanations() throws IOException {
        for (Path book : notebookFiles()) {
            JsonNode nb = JSON.readTree(book.toFile());
            assertThat(nb.path("nbformat").asInt()).as("%s nbformat", book.getFileName()).isEqualTo(4);
            assertThat(nb.path("metadata").path("kernelspec").path("language").asText()).isEqualTo("python");
            List<String> kinds = new ArrayList<>();
            for (JsonNode cell : nb.path("cells")) {
                kinds.add(cell.path("cell_type").asText());
                assertThat(cell.has("source") && cell.has("metadata")).as("%s: cell has source and metadata", book).isTrue();
                if ("code".equals(cell.path("cell_type").asText())) {
                    assertThat(cell.has("outputs") && cell.has("execution_count")).as("%s: code cell fields", book).isTrue();
                }
            }
            assertThat(kinds.get(0)).as("%s opens with an explanation", book.getFileName()).isEqualTo("markdown");
            assertThat(kinds.stream().filter("markdown"::equals).count())
                    .as("%s explains its questions", book.getFileName()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void theSetUpIsPinnedAndEveryNotebookOpensWithIt() throws IOException {
        List<String> requirements = Files.readAllLines(notebooks().resolve("requirements.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(requirements).as("PySpark of the job's own Spark").contains("pyspark==" + spark.version());
        for (String pkg : List.of("pandas", "numpy", "matplotlib", "jupyter")) {
            assertThat(requirements).as("%s pinned", pkg).anyMatch(l -> l.matches(pkg + "==\\d+(\\.\\d+)+"));
        }
        for (Path book : notebookFiles()) {
            assertThat(cells(book, "markdown").get(0)).as("%s's first cell says how to run it", book.getFileName())
                    .contains("pip install -r notebooks/requirements.txt").contains("mvn -q -B package -pl udfs -DskipTests")
                    .contains("MASK_IMPACT_RUN");
        }
        String readme = Files.readString(notebooks().getParent().resolve("README.md"));
        assertThat(readme).as("the README's section on the notebooks").contains("## Notebooks")
                .contains("pip install -r notebooks/requirements.txt").contains("MASK_IMPACT_RUN=");
    }

    private static List<Path> notebookFiles() throws IOException {
        try (Stream<Path> s = Files.list(notebooks())) {
            return s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    private static List<String> cells(Path book, String type) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode cell : JSON.readTree(book.toFile()).path("cells")) {
            if (type.equals(cell.path("cell_type").asText())) {
                JsonNode src = cell.path("source");
                if (src.isArray()) {
                    StringBuilder b = new StringBuilder();
                    src.forEach(line -> b.append(line.asText()));
                    out.add(b.toString());
                } else {
                    out.add(src.asText());
                }
            }
        }
        return out;
    }
}
