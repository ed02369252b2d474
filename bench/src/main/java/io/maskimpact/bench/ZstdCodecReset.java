package io.maskimpact.bench;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.CodecFactory;

/**
 * Forgets parquet-java's JVM-wide codec instances, so that the next ZSTD write reads its level
 * from its own configuration.
 *
 * <p>parquet-java 1.13 keeps one codec per codec class for the whole JVM
 * ({@code CodecFactory.CODEC_BY_NAME}), configured by the first write that needed it: later
 * writes get that first write's ZSTD level whatever they ask for. The storage benchmark compares
 * levels in one JVM, so it clears the cache before each write. For the benchmark only; the job
 * sets its level once, when the session starts.
 */
final class ZstdCodecReset extends CodecFactory {

    private ZstdCodecReset() {
        super(new Configuration(false), 0);
    }

    /** Clears the cache; the next write of each codec creates (and configures) a new instance. */
    static void clear() {
        CODEC_BY_NAME.clear();
    }
}
