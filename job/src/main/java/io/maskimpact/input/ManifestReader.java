package io.maskimpact.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Reads an input manifest (CSV with a header, JSON Lines, or Parquet) through Spark, so that any
 * Hadoop file system works.
 *
 * <p>Columns: {@code pair_id}, {@code image}, {@code question} (required), {@code max_new_tokens},
 * {@code mask_mode} (optional); other columns are ignored. Every value is read as a string and
 * validated later ({@link PairValidator}), so that one bad cell rejects one pair, not the file.
 * Rows keep the file's order.
 *
 * <p>Before Spark parses a text manifest, one streaming pass checks that every line is UTF-8 and,
 * for JSON Lines, that every line is a JSON object, so that the message can name the line
 * (Spark would silently replace bad bytes and report only "malformed records").
 *
 * <p>Cost: the manifest is collected to the driver (a few hundred bytes per pair).
 */
public final class ManifestReader {
    /** Required columns. */
    public static final List<String> REQUIRED = List.of("pair_id", "image", "question");
    /** Optional per-pair overrides. */
    public static final List<String> OPTIONAL = List.of("max_new_tokens", "mask_mode");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The formats a manifest may have, chosen by file extension. */
    public enum Format { CSV, JSON_LINES, PARQUET }

    private ManifestReader() {
    }

    /**
     * @param spark the session
     * @param manifest the manifest's path or URI
     * @return its rows in file order
     * @throws ManifestException when the file is missing, unreadable, not UTF-8, lacks a required
     *     column or has no rows
     */
    public static List<ManifestRow> read(SparkSession spark, String manifest) throws ManifestException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path path = new Path(manifest);
        FileStatus status;
        try {
            FileSystem fs = path.getFileSystem(conf);
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw InputErrors.manifestNotFound(manifest);
        } catch (IOException | IllegalArgumentException e) {
            throw InputErrors.manifestUnreadable(manifest, e);
        }
        Format format = formatOf(manifest, status.isDirectory());
        if (format != Format.PARQUET) {
            lint(conf, path, manifest, format);
        }
        Dataset<Row> df;
        try {
            df = switch (format) {
                case CSV -> spark.read().option("header", "true").option("multiLine", "true")
                        .option("escape", "\"").option("mode", "FAILFAST").option("encoding", "UTF-8")
                        .csv(path.toString());
                case JSON_LINES -> spark.read().option("primitivesAsString", "true").option("mode", "FAILFAST")
                        .json(path.toString());
                case PARQUET -> spark.read().parquet(path.toString());
            };
        } catch (RuntimeException e) {
            throw InputErrors.manifestUnreadable(manifest, e);
        }
        List<String> found = Arrays.stream(df.columns()).toList();
        List<String> missing = REQUIRED.stream().filter(c -> !found.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw InputErrors.missingColumns(manifest, missing, found);
        }
        List<Column> cols = new ArrayList<>();
        for (String c : concat(REQUIRED, OPTIONAL)) {
            cols.add(found.contains(c) ? functions.col(c).cast("string").as(c) : functions.lit(null).cast("string").as(c));
        }
        List<Row> rows;
        try {
            rows = df.select(cols.toArray(new Column[0])).collectAsList();
        } catch (RuntimeException e) {
            throw InputErrors.manifestUnreadable(manifest, e);
        }
        if (rows.isEmpty()) {
            throw InputErrors.empty(manifest);
        }
        List<ManifestRow> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.add(new ManifestRow(i + 1, r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                    r.getString(4)));
        }
        return out;
    }

    /**
     * @param manifest the manifest's name
     * @param isDirectory whether it is a folder (then Parquet)
     * @return the format its extension names
     * @throws ManifestException for any other extension
     */
    static Format formatOf(String manifest, boolean isDirectory) throws ManifestException {
        String name = manifest.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return Format.CSV;
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) return Format.JSON_LINES;
        if (name.endsWith(".parquet") || isDirectory) return Format.PARQUET;
        throw InputErrors.unknownFormat(manifest);
    }

    /** One streaming pass: every line UTF-8; for JSON Lines, every non-blank line an object. */
    private static void lint(Configuration conf, Path path, String manifest, Format format) throws ManifestException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            long lineNo = 1;
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        checkLine(utf8, line, lineNo++, manifest, format);
                        line.reset();
                    } else {
                        line.write(buf[i]);
                    }
                }
            }
            if (line.size() > 0) {
                checkLine(utf8, line, lineNo, manifest, format);
            }
        } catch (IOException e) {
            throw InputErrors.manifestUnreadable(manifest, e);
        }
    }

    private static void checkLine(CharsetDecoder utf8, ByteArrayOutputStream line, long lineNo, String manifest,
                                  Format format) throws ManifestException {
        CharBuffer text;
        try {
            text = utf8.reset().decode(ByteBuffer.wrap(line.toByteArray()));
        } catch (CharacterCodingException e) {
            throw InputErrors.notUtf8(manifest, lineNo);
        }
        if (format != Format.JSON_LINES) {
            return;
        }
        String s = text.toString().strip();
        if (s.isEmpty()) {
            return;
        }
        try {
            JsonNode node = JSON.readTree(s);
            if (node == null || !node.isObject()) {
                throw InputErrors.badJsonLine(manifest, lineNo, "found " + (node == null ? "nothing" : node.getNodeType()));
            }
        } catch (JsonProcessingException e) {
            throw InputErrors.badJsonLine(manifest, lineNo, e.getOriginalMessage());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
