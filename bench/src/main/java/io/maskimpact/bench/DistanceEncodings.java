package io.maskimpact.bench;

import io.maskimpact.output.PairResult;
import io.maskimpact.output.TableRows;
import io.maskimpact.output.TableWriter;
import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The two distance columns, in the job's row order, written straight with parquet-java to try
 * BYTE_STREAM_SPLIT, which Spark's writer cannot produce: parquet-java 1.13.1 (Spark 3.5's) turns
 * it on only through {@code ParquetWriter.Builder#withByteStreamSplitEncoding}, and Spark's Parquet
 * source configures its writer from Hadoop keys, of which this version has none for it.
 */
final class DistanceEncodings {
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message distances { required float "
            + OutputSchema.L2_DISTANCE + "; required float " + OutputSchema.COSINE_DISTANCE + "; }");

    private record Encoding(String name, boolean dictionary, boolean byteStreamSplit) {
    }

    private static final List<Encoding> ENCODINGS = List.of(
            new Encoding("dictionary (the job's: parquet-java's default)", true, false),
            new Encoding("BYTE_STREAM_SPLIT, no dictionary", false, true),
            new Encoding("PLAIN, no dictionary", false, false));

    private DistanceEncodings() {
    }

    /**
     * @param pairs the pairs, in pair_id order (the order a task writes them)
     * @param steps generation steps
     * @param roundDecimals decimals the distances are rounded to, as the job writes them
     * @param dir a scratch folder (one file per encoding and step)
     * @param hadoop the session's Hadoop configuration (its ZSTD level)
     * @return one measurement per encoding, named after it (column bytes from the footers)
     */
    static List<StorageBenchmark.Measurement> run(List<PairResult> pairs, int steps, int roundDecimals,
                                                  java.nio.file.Path dir, Configuration hadoop) throws IOException {
        List<StorageBenchmark.Measurement> results = new ArrayList<>();
        for (Encoding e : ENCODINGS) {
            java.nio.file.Path folder = dir.resolve(e.name().replaceAll("[^A-Za-z]+", "-"));
            write(pairs, steps, roundDecimals, folder, e, hadoop);
            results.add(StorageBenchmark.measure(e.name(), true, new Path(folder.toUri()), hadoop, 0, 0, 0));
        }
        return results;
    }

    /** One pass over the rows, each into its step's file, like the job's one open file per step. */
    private static void write(List<PairResult> pairs, int steps, int roundDecimals, java.nio.file.Path folder, Encoding e,
                              Configuration hadoop) throws IOException {
        ZstdCodecReset.clear();
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        int generationStep = OutputSchema.IMPACT_SCHEMA.fieldIndex(OutputSchema.GENERATION_STEP);
        int l2 = OutputSchema.IMPACT_SCHEMA.fieldIndex(OutputSchema.L2_DISTANCE);
        int cosine = OutputSchema.IMPACT_SCHEMA.fieldIndex(OutputSchema.COSINE_DISTANCE);
        List<ParquetWriter<Group>> writers = new ArrayList<>();
        try {
            for (int step = 0; step < steps; step++) {
                writers.add(ExampleParquetWriter.builder(new Path(folder.resolve("step-" + step + ".parquet").toUri()))
                        .withConf(hadoop).withType(SCHEMA)
                        .withWriteMode(org.apache.parquet.hadoop.ParquetFileWriter.Mode.OVERWRITE)
                        .withCompressionCodec(CompressionCodecName.ZSTD)
                        .withPageRowCountLimit(TableWriter.IMPACT_PAGE_ROWS)
                        .withDictionaryEncoding(e.dictionary()).withByteStreamSplitEncoding(e.byteStreamSplit()).build());
            }
            for (PairResult pair : pairs) {
                for (java.util.Iterator<InternalRow> rows = TableRows.impact("bench", pair, roundDecimals); rows.hasNext(); ) {
                    InternalRow row = rows.next();
                    writers.get(row.getInt(generationStep)).write(groups.newGroup()
                            .append(OutputSchema.L2_DISTANCE, row.getFloat(l2))
                            .append(OutputSchema.COSINE_DISTANCE, row.getFloat(cosine)));
                }
            }
        } finally {
            for (ParquetWriter<Group> w : writers) {
                w.close();
            }
        }
    }
}
