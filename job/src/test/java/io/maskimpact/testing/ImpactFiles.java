package io.maskimpact.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.unsafe.types.UTF8String;

/** Checks on the row order inside {@code impact} files, which the viewer's page-index reads rely on. */
public final class ImpactFiles {
    private ImpactFiles() {
    }

    /**
     * Asserts that every data file under a table folder holds its rows ordered by
     * {@link OutputSchema#IMPACT_SORT_KEY}, strings compared as UTF-8 bytes the way Spark and
     * Parquet's statistics compare them.
     *
     * @param spark a session
     * @param table the {@code impact} folder (Parquet or Delta)
     * @return the number of files checked
     */
    public static int assertRowsInKeyOrder(SparkSession spark, Path table) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(table)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        String[] key = OutputSchema.IMPACT_SORT_KEY.toArray(new String[0]);
        for (Path f : files) {
            // one small file is read by one task, front to back: collect keeps the file's order
            List<Row> rows = spark.read().parquet(f.toString()).select(key[0], java.util.Arrays.copyOfRange(key, 1, key.length))
                    .collectAsList();
            for (int i = 1; i < rows.size(); i++) {
                assertThat(compare(rows.get(i - 1), rows.get(i))).as("rows %d and %d of %s: %s then %s", i - 1, i, f,
                        rows.get(i - 1), rows.get(i)).isLessThanOrEqualTo(0);
            }
        }
        return files.size();
    }

    private static int compare(Row a, Row b) {
        for (int k = 0; k < a.length(); k++) {
            int c = a.get(k) instanceof String s
                    ? UTF8String.fromString(s).compareTo(UTF8String.fromString(b.getString(k)))
                    : Integer.compare(a.getInt(k), b.getInt(k));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
