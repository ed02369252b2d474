package io.maskimpact.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code CREATE TEMPORARY FUNCTION ... USING JAR} with the udfs jar, in a Hive-enabled session
 * (what the spark-sql shell starts) and in a plain one.
 */
class CreateFunctionTest {

    /** A jar of the udfs classes, built from the compiled classes because tests run before {@code package}. */
    static Path udfsJar(Path dir) throws IOException {
        Path classes = Path.of(TopTokens.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path jar = dir.resolve("mask-impact-udfs-test.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jarOut);
                jarOut.closeEntry();
            }
        }
        return jar;
    }

    @Nested
    class WithHive extends SparkSqlTestBase {

        @Override
        protected SparkSession.Builder configure(SparkSession.Builder builder) {
            System.setProperty("derby.system.home", tempDir().toString());
            return builder
                    .config("spark.sql.catalogImplementation", "hive")
                    .config("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:memory:metastore;create=true")
                    .enableHiveSupport();
        }

        @BeforeAll
        void createFunctions() throws IOException {
            String jar = udfsJar(tempDir()).toUri().toString();
            sql("CREATE TEMPORARY FUNCTION mi_token_class AS 'io.maskimpact.udfs.hive.TokenClassUDF' USING JAR '%s'", jar);
            sql("CREATE TEMPORARY FUNCTION mi_patch_box AS 'io.maskimpact.udfs.hive.PatchBoxUDF' USING JAR '%s'", jar);
            sql("CREATE TEMPORARY FUNCTION mi_top_tokens AS 'io.maskimpact.udfs.TopTokens' USING JAR '%s'", jar);
            ImpactFixture.register(spark);
        }

        @Test
        void tokenClassMatchesTheJavaFunction() {
            List<String> texts = List.of("<image>", "the", "?", " cat", "ing", "##ing", "42", "\n");
            for (String t : texts) {
                String expected = TokenClass.of(t, true).sqlName();
                assertThat(scalar("SELECT mi_token_class('%s', true)", t.replace("\n", "\\n")))
                        .as("mi_token_class('%s', true)", t).isEqualTo(expected);
            }
            assertThat(scalar("SELECT mi_token_class('ing')")).isEqualTo("word");
            assertThat(scalar("SELECT mi_token_class(NULL)")).isNull();
        }

        @Test
        void patchBoxReturnsTheStruct() {
            Row box = (Row) scalar("SELECT mi_patch_box(0, 1, 2, 2, 640, 480)");
            assertThat(box.schema().fieldNames()).containsExactly("x", "y", "width", "height", "center_x", "center_y");
            assertThat(box.getDouble(0)).isEqualTo(320.0);
            assertThat(box.getDouble(5)).isEqualTo(120.0);
            assertThat(scalar("SELECT mi_patch_box(NULL, 1, 2, 2, 640, 480)")).isNull();
            assertThatThrownBy(() -> sql("SELECT mi_patch_box(2, 0, 2, 2, 10, 10)"))
                    .hasStackTraceContaining("Cannot place patch (row 2, col 0) in a 2x2 grid");
            Row inTile = (Row) scalar("SELECT mi_patch_box(0, 1, %s)", MaskImpactFunctionsTest.REGION);
            assertThat(List.of(inTile.getDouble(0), inTile.getDouble(1), inTile.getDouble(2), inTile.getDouble(3)))
                    .as("the region form, as the session's function gives it").containsExactly(960.0, 0.0, 320.0, 240.0);
        }

        @Test
        void topTokensAggregates() {
            List<Row> rows = sql("SELECT mi_top_tokens(token_masked, l2_distance, 2) FROM impact"
                    + " WHERE pair_id = 'p1' AND layer = 0 AND variant = 'Full'");
            List<Row> top = rows.get(0).getList(0);
            assertThat(top).extracting(r -> r.getString(0) + "=" + r.getDouble(1)).containsExactly("<image>=4.0", "?=3.0");
        }
    }

    @Nested
    class WithoutHive extends SparkSqlTestBase {

        @Test
        void onlyTheAggregateCanBeCreatedFromAClass() throws IOException {
            String jar = udfsJar(tempDir()).toUri().toString();
            sql("CREATE TEMPORARY FUNCTION mi_top_tokens AS 'io.maskimpact.udfs.TopTokens' USING JAR '%s'", jar);
            List<Row> top = sql("SELECT mi_top_tokens(t, v, 1) FROM VALUES ('a', 1.0), ('b', 2.0) AS t(t, v)")
                    .get(0).getList(0);
            assertThat(top.get(0).getString(0)).isEqualTo("b");
            sql("CREATE TEMPORARY FUNCTION tc AS 'io.maskimpact.udfs.hive.TokenClassUDF' USING JAR '%s'", jar);
            assertThatThrownBy(() -> sql("SELECT tc('the')"))
                    .as("a plain session makes functions only of UserDefinedAggregateFunction classes, at first use")
                    .hasMessageContaining("io.maskimpact.udfs.hive.TokenClassUDF");
        }
    }
}
