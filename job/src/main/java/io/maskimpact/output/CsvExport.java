package io.maskimpact.output;

import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Exports every table as one CSV file for spreadsheets: {@code <out>/csv/<table>.csv}.
 *
 * <p>One file per table, with a header, columns in {@link OutputSchema} order (the pairs' {@code regions} as JSON
 * text, {@link #schema}), rows sorted
 * (impact by generation step, then {@link OutputSchema#IMPACT_SORT_KEY}), quotes doubled as
 * RFC 4180 has it, nulls as empty cells. The file holds the table's current rows (all runs in
 * the folder). Cost: a global sort and one writing task per table, so it suits runs a
 * spreadsheet can open (about a million rows), not the largest outputs. Text cells are
 * untrusted (token texts, questions): a spreadsheet should import them as text.
 */
public final class CsvExport {

    private CsvExport() {
    }

    /**
     * @param writer reads the tables
     * @param folder the output folder
     * @return the written files by table, relative to the output folder
     */
    public static Map<String, String> export(TableWriter writer, RunFolder folder) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        Path dir = new Path(folder.root(), OutputSchema.CSV_DIR);
        folder.delete(dir);
        for (String table : OutputSchema.TABLES) {
            if (!folder.tableExists(table)) {
                continue;
            }
            Dataset<Row> rows = writer.read(table).select(columns(table));
            Path staging = new Path(dir, "_" + table);
            rows.orderBy(order(table)).coalesce(1).write().mode(SaveMode.Overwrite)
                    .option("header", "true").option("escape", "\"").option("nullValue", "")
                    .csv(staging.toString());
            Path target = new Path(dir, table + ".csv");
            for (FileStatus f : folder.fs().listStatus(staging, p -> p.getName().endsWith(".csv"))) {
                folder.fs().rename(f.getPath(), target);
            }
            folder.delete(staging);
            files.put(table, folder.relative(target));
        }
        return files;
    }

    /**
     * @param table a table
     * @return its columns in schema order (a partition column is read last by Spark; put it back), an array or
     *     struct column (the pairs' {@code regions}) as its JSON text, which is what a CSV cell can hold
     */
    public static Column[] columns(String table) {
        return Arrays.stream(OutputSchema.schema(table).fields())
                .map(f -> f.dataType() instanceof AtomicType ? functions.col(f.name())
                        : functions.to_json(functions.col(f.name())).alias(f.name()))
                .toArray(Column[]::new);
    }

    /**
     * @param table a table
     * @return the schema of its CSV file: the table's, with JSON text in place of arrays and structs
     */
    public static StructType schema(String table) {
        return new StructType(Arrays.stream(OutputSchema.schema(table).fields())
                .map(f -> f.dataType() instanceof AtomicType ? f
                        : new StructField(f.name(), DataTypes.StringType, f.nullable(), f.metadata()))
                .toArray(StructField[]::new));
    }

    /**
     * @param table a table
     * @return the export's row order
     */
    public static Column[] order(String table) {
        List<String> names = new ArrayList<>();
        switch (table) {
            case OutputSchema.IMPACT -> {
                names.add(OutputSchema.GENERATION_STEP);
                names.add(OutputSchema.RUN_ID);
                names.addAll(OutputSchema.IMPACT_SORT_KEY);
            }
            case OutputSchema.EFFECTS -> {
                names.addAll(List.of(OutputSchema.GENERATION_STEP, OutputSchema.RUN_ID));
                names.addAll(OutputSchema.EFFECTS_SORT_KEY);
            }
            case OutputSchema.STEPS -> names.addAll(List.of(OutputSchema.RUN_ID, OutputSchema.PAIR_ID,
                    OutputSchema.GENERATION_STEP));
            case OutputSchema.ERRORS -> names.addAll(List.of(OutputSchema.RUN_ID, OutputSchema.PAIR_ID,
                    OutputSchema.STAGE, OutputSchema.MESSAGE));
            default -> names.addAll(List.of(OutputSchema.RUN_ID, OutputSchema.PAIR_ID));
        }
        return names.stream().map(n -> functions.col(n).asc_nulls_first()).toArray(Column[]::new);
    }
}
