package io.maskimpact.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.spark.sql.types.StructField;

/**
 * Builds and writes {@code <out>/_manifest.json}: what a reader needs to open a run folder
 * without listing directories (a static viewer cannot list them).
 *
 * <p>It is written after every table has been committed, under a temporary name and renamed,
 * so a reader that sees it sees complete tables. Shape ({@code format_version} 1; paths are
 * relative to the run folder, sizes in bytes, row counts from the Parquet footers):
 *
 * <pre>
 * {
 *   "format_version": 1, "generator": "mask-impact", "written_at": "2026-11-25T10:15:00Z",
 *   "run_id": "&lt;the run that wrote this file&gt;", "format": "parquet" | "delta",
 *   "model": "tiny-llava", "layers": 4, "heads": 4, "variants": ["Full", "Attn", "Head_0", ...],
 *   "metrics": ["l2_distance", "cosine_distance"],
 *   "columns": {"impact": [{"name": "run_id", "type": "string", "nullable": false}, ...], ...},
 *   "sort_key": {"impact": ["pair_id", "variant", "layer", "token_position"]},
 *   "runs": [{"run_id": ..., "model": ..., "started_at": ..., "finished_at": ..., "wall_seconds": ...,
 *             "settings": {"mask-mode": "both", ...}, "counts": {"pairs_ok": ..., ...}}, ...],
 *   "tables": {
 *     "impact": {"path": "impact", "format": "parquet", "rows": ..., "bytes": ..., "codecs": ["ZSTD"], "delta_version": ...,
 *                "partition_column": "generation_step",
 *                "partitions": [{"value": 0, "generation_step": 0, "path": "impact/generation_step=0", "rows": ..., "bytes": ...,
 *                                "files": [{"path": "impact/generation_step=0/part-....zstd.parquet",
 *                                           "bytes": ..., "rows": ..., "row_groups": ...}]}]},
 *     "pairs": {"path": "pairs", "rows": ..., "bytes": ..., "codecs": [...], "files": [...]}, ...
 *   },
 *   "exports": {"csv": {"impact": "csv/impact.csv", ...}}
 * }
 * </pre>
 *
 * {@code runs} lists every finished run in the folder (append mode adds runs), oldest first;
 * {@code delta_version} is present for Delta tables only.
 */
public final class RunManifest {
    /** Version of the file's shape; bumped when a reader would misread the new shape. */
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What a viewer shows before reading any table: the newest run's model and sizes.
     *
     * @param model the model's name
     * @param layers decoder layers (layer values are 0 to layers-1)
     * @param heads attention heads per layer
     * @param variants the variant names, in display order
     */
    public record Header(String model, int layers, int heads, List<String> variants) {
    }

    private RunManifest() {
    }

    /** @return the shared JSON mapper (indenting) */
    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * @param folder the output folder
     * @param runId the run writing the file
     * @param format the table format
     * @param header the newest run's model and sizes
     * @param runs every finished run's entry, oldest first
     * @param tables every table's facts
     * @param csv the CSV exports by table (empty when none)
     * @return the manifest
     */
    public static ObjectNode build(RunFolder folder, String runId, OutputFormat format, Header header,
                                   List<ObjectNode> runs, List<TableFacts> tables, Map<String, String> csv) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("generator", "mask-impact");
        root.put("written_at", Instant.now().toString());
        root.put("run_id", runId);
        root.put("format", format.source());
        root.put("model", header.model());
        root.put("layers", header.layers());
        root.put("heads", header.heads());
        header.variants().forEach(root.putArray("variants")::add);
        ArrayNode metrics = root.putArray("metrics");
        metrics.add(OutputSchema.L2_DISTANCE).add(OutputSchema.COSINE_DISTANCE);
        ObjectNode columns = root.putObject("columns");
        for (String table : OutputSchema.TABLES) {
            ArrayNode cols = columns.putArray(table);
            for (StructField f : OutputSchema.schema(table).fields()) {
                cols.addObject().put("name", f.name()).put("type", f.dataType().simpleString())
                        .put("nullable", f.nullable());
            }
        }
        ArrayNode sortKey = root.putObject("sort_key").putArray(OutputSchema.IMPACT);
        OutputSchema.IMPACT_SORT_KEY.forEach(sortKey::add);
        root.putArray("runs").addAll(runs);
        ObjectNode tablesNode = root.putObject("tables");
        for (TableFacts t : tables) {
            tablesNode.set(t.table(), table(folder, t));
        }
        if (!csv.isEmpty()) {
            ObjectNode c = root.putObject("exports").putObject("csv");
            csv.forEach(c::put);
        }
        return root;
    }

    /**
     * Writes the manifest under a temporary name and renames it into place.
     *
     * @param folder the output folder
     * @param manifest the manifest
     */
    public static void write(RunFolder folder, ObjectNode manifest) throws IOException {
        folder.writeTextAtomically(folder.manifest(), JSON.writeValueAsString(manifest) + "\n");
    }

    /**
     * @param manifest a run's manifest
     * @param table one of {@link OutputSchema#TABLES}
     * @return the rows the manifest lists for the table, or empty when it lists none
     */
    public static OptionalLong tableRows(ObjectNode manifest, String table) {
        JsonNode rows = manifest.path("tables").path(table).path("rows");
        return rows.canConvertToLong() ? OptionalLong.of(rows.asLong()) : OptionalLong.empty();
    }

    /**
     * @param folder the output folder
     * @return the folder's current manifest, or null when there is none
     */
    public static ObjectNode read(RunFolder folder) throws IOException {
        String text = folder.readText(folder.manifest());
        return text == null ? null : (ObjectNode) JSON.readTree(text);
    }

    private static ObjectNode table(RunFolder folder, TableFacts t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("path", t.table());
        node.put("format", t.deltaVersion() >= 0 ? OutputFormat.DELTA.source() : OutputFormat.PARQUET.source());
        node.put("rows", t.rows());
        node.put("bytes", t.bytes());
        t.codecs().forEach(node.putArray("codecs")::add);
        if (t.deltaVersion() >= 0) {
            node.put("delta_version", t.deltaVersion());
        }
        List<String> partitionColumns = OutputSchema.partitionColumns(t.table());
        if (partitionColumns.isEmpty()) {
            ArrayNode files = node.putArray("files");
            t.files().forEach(f -> files.add(file(folder, f)));
            return node;
        }
        String column = partitionColumns.get(0);
        node.put("partition_column", column);
        Map<Integer, List<ParquetFooters.Facts>> byValue = new TreeMap<>();
        for (ParquetFooters.Facts f : t.files()) {
            byValue.computeIfAbsent(partitionValue(f, column), k -> new java.util.ArrayList<>()).add(f);
        }
        ArrayNode parts = node.putArray("partitions");
        byValue.forEach((value, files) -> {
            ObjectNode p = parts.addObject();
            p.put("value", value);
            p.put(column, value);
            p.put("path", t.table() + "/" + column + "=" + value);
            p.put("rows", files.stream().mapToLong(ParquetFooters.Facts::rows).sum());
            p.put("bytes", files.stream().mapToLong(ParquetFooters.Facts::bytes).sum());
            ArrayNode fileNodes = p.putArray("files");
            files.forEach(f -> fileNodes.add(file(folder, f)));
        });
        return node;
    }

    private static ObjectNode file(RunFolder folder, ParquetFooters.Facts f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("path", folder.relative(f.path()));
        n.put("bytes", f.bytes());
        n.put("rows", f.rows());
        n.put("row_groups", f.rowGroups());
        return n;
    }

    private static int partitionValue(ParquetFooters.Facts f, String column) {
        String dir = f.path().getParent().getName();
        String prefix = column + "=";
        return dir.startsWith(prefix) ? Integer.parseInt(dir.substring(prefix.length())) : -1;
    }
}
