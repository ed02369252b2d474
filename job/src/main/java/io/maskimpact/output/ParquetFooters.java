package io.maskimpact.output;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Reads what a Parquet file's footer says about it: rows, row groups and the compression codec
 * of every column chunk. Reads only the footer (the file's last bytes), never the data.
 */
public final class ParquetFooters {

    /**
     * @param path the file
     * @param bytes its size on disk
     * @param rows rows in the file
     * @param rowGroups row groups in the file
     * @param codecs codec names of its column chunks, e.g. {@code [ZSTD]}
     */
    public record Facts(Path path, long bytes, long rows, int rowGroups, Set<String> codecs) {
    }

    private ParquetFooters() {
    }

    /**
     * @param status the file's status
     * @param conf Hadoop configuration
     * @return the footer's facts
     * @throws IOException when the file cannot be read or is not Parquet
     */
    public static Facts read(FileStatus status, Configuration conf) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(status, conf))) {
            ParquetMetadata footer = reader.getFooter();
            long rows = 0;
            Set<String> codecs = new TreeSet<>();
            for (BlockMetaData block : footer.getBlocks()) {
                rows += block.getRowCount();
                for (ColumnChunkMetaData column : block.getColumns()) {
                    codecs.add(column.getCodec().name());
                }
            }
            return new Facts(status.getPath(), status.getLen(), rows, footer.getBlocks().size(), codecs);
        }
    }
}
