package io.maskimpact.output;

import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A table's current files as their Parquet footers describe them.
 *
 * @param table the table's name
 * @param files its current data files, sorted by path
 * @param deltaVersion its latest Delta version, or -1 for Parquet
 */
public record TableFacts(String table, List<ParquetFooters.Facts> files, long deltaVersion) {

    /**
     * Lists a table's current files and reads each one's footer.
     *
     * @param writer knows the format and the current files
     * @param folder the output folder
     * @param table one of {@link OutputSchema#TABLES}
     * @param conf Hadoop configuration
     * @return the facts
     */
    public static TableFacts read(TableWriter writer, RunFolder folder, String table, Configuration conf)
            throws IOException {
        List<ParquetFooters.Facts> facts = new ArrayList<>();
        for (Path p : writer.currentFiles(table)) {
            facts.add(ParquetFooters.read(folder.fs().getFileStatus(p), conf));
        }
        return new TableFacts(table, facts, writer.format() == OutputFormat.DELTA ? writer.deltaVersion(table) : -1);
    }

    /** @return rows over all files */
    public long rows() {
        return files.stream().mapToLong(ParquetFooters.Facts::rows).sum();
    }

    /** @return bytes over all files */
    public long bytes() {
        return files.stream().mapToLong(ParquetFooters.Facts::bytes).sum();
    }

    /** @return every codec named by any column chunk of any file */
    public Set<String> codecs() {
        Set<String> all = new TreeSet<>();
        files.forEach(f -> all.addAll(f.codecs()));
        return all;
    }

    /** @return files whose column chunks are not all ZSTD (empty files have no chunks and pass) */
    public List<ParquetFooters.Facts> nonZstdFiles() {
        return files.stream().filter(f -> !f.codecs().isEmpty() && !Set.of("ZSTD").equals(f.codecs())).toList();
    }
}
